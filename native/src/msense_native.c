/* libmsense_native: OpenBLAS + LAPACKE bundled into one shared library for MatrixSensing.Native.
 *
 * The library has no code of its own: CMakeLists.txt links the static OpenBLAS and LAPACKE archives into it and
 * exports exactly the entry points listed in native/bindings.json. This translation unit only carries an
 * identification string (not exported) that `strings libmsense_native.so | grep msense_native` shows. */
__attribute__((used)) static const char msense_native_ident[] =
    "msense_native: OpenBLAS + LAPACKE bundle for MatrixSensing.Native (exports: native/bindings.json)";
