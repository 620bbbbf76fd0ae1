#!/usr/bin/python3
"""NumPy peer of the side-by-side harness (perf/MatrixSensing.Benchmarks/SideBySide).

The same iterations as the library, written as a competent NumPy user would: vectorized, BLAS-backed
(``A @ vec(U Vᵀ)``, ``Aᵀ @ r`` reshaped, GEMMs for the factor products), no Python loop over measurements.
It reads the very operator, measurements and starting factors the harness wrote as .npy files, so both sides run
the same problem.

Protocol: one JSON object per line on stdin, one JSON answer per line on stdout (nothing else is printed there).
The harness keeps this process alive for the whole session and sends one ``run`` per timed round, so NumPy's
rounds interleave with the other implementations'. Timing is taken here, around the iteration only
(``time.perf_counter``), so the pipe's latency is never counted.

Commands:
  {"op": "info"}
  {"op": "load", "id": ID, "kind": "gd"|"entry"|"entry-scipy"|"rank-one", "dir": DIR, ...parameters}
  {"op": "run", "id": ID, "iterations": K}          -> {"times": [seconds per iteration]}
  {"op": "check", "id": ID, "iterations": K}        -> factors after K iterations from the saved start
  {"op": "generate", "count": N, "rounds": K, "seed": S}  -> seconds per standard_normal(N)
  {"op": "readme", ...}                             -> end-to-end: generate, then ScaledGD(λ) to the tolerance
  {"op": "drop", "id": ID}
  {"op": "quit"}
OpenBLAS threads come from OPENBLAS_NUM_THREADS, set by the harness before this process starts.
"""
import json
import os
import sys
import time

import numpy as np


def load(directory, name):
    return np.load(os.path.join(directory, name + ".npy"))


class Problem:
    """Starting factors and step shared by every kind."""

    def __init__(self, directory, p):
        self.U0 = load(directory, "U0")
        self.V0 = load(directory, "V0")
        self.y = load(directory, "y")
        self.eta = float(p["eta"])
        self.n1, self.n2 = int(p["n1"]), int(p["n2"])
        self.reset()

    def reset(self):
        # Fortran-ordered copies, like the library's column-major factors.
        self.U = np.array(self.U0, order="F", copy=True)
        self.V = np.array(self.V0, order="F", copy=True)


class DenseGd(Problem):
    """GD on a dense operator: A is m × n1n2 (C order), row i = vec(A_i) with column-major vec."""

    def __init__(self, directory, p):
        super().__init__(directory, p)
        self.A = load(directory, "A")

    def step(self):
        U, V, A = self.U, self.V, self.A
        z = (V @ U.T).ravel()  # C-order ravel of V Uᵀ = column-major vec of U Vᵀ
        r = A @ z
        r -= self.y
        self.residual_norm = np.linalg.norm(r)
        G = (A.T @ r).reshape(self.n2, self.n1).T  # G[i, j] = g[i + j·n1]
        GV = G @ V
        GtU = G.T @ U
        U -= self.eta * GV
        V -= self.eta * GtU


class EntryGd(Problem):
    """GD for matrix completion: Ω as index arrays, A(Z) = Z_Ω / √p, G = Σ r_k e_{i_k} e_{j_k}ᵀ / √p."""

    def __init__(self, directory, p):
        super().__init__(directory, p)
        self.rows = load(directory, "rows").astype(np.intp)
        self.cols = load(directory, "cols").astype(np.intp)
        self.scale = float(p["scale"])

    def step(self):
        U, V, rows, cols, s = self.U, self.V, self.rows, self.cols, self.scale
        Ur = U[rows]
        Vc = V[cols]
        r = np.einsum("ij,ij->i", Ur, Vc)
        r *= s
        r -= self.y
        self.residual_norm = np.linalg.norm(r)
        w = r * s
        h = U.shape[1]
        GV = np.empty_like(U)
        GtU = np.empty_like(V)
        for k in range(h):  # bincount is NumPy's fast scatter-add (np.add.at is far slower)
            GV[:, k] = np.bincount(rows, weights=w * Vc[:, k], minlength=self.n1)
            GtU[:, k] = np.bincount(cols, weights=w * Ur[:, k], minlength=self.n2)
        U -= self.eta * GV
        V -= self.eta * GtU


class EntryScipyGd(EntryGd):
    """The same completion GD with SciPy's sparse products: G as a CSR matrix built once, its data refreshed per
    iteration (``S.data = w[order]``), then G @ V and Gᵀ @ U (the transpose is a CSC view, no copy)."""

    def __init__(self, directory, p):
        super().__init__(directory, p)
        import scipy.sparse as sp  # only this kind needs SciPy
        nnz = self.rows.shape[0]
        # Entry k's position in the CSR data: build with data = k + 1 and read it back after the sort.
        S = sp.csr_matrix((np.arange(1, nnz + 1, dtype=np.float64), (self.rows, self.cols)), shape=(self.n1, self.n2))
        S.sort_indices()
        self.order = S.data.astype(np.intp) - 1
        self.S = S

    def step(self):
        U, V, rows, cols, s = self.U, self.V, self.rows, self.cols, self.scale
        r = np.einsum("ij,ij->i", U[rows], V[cols])
        r *= s
        r -= self.y
        self.residual_norm = np.linalg.norm(r)
        self.S.data[:] = (r * s)[self.order]
        GV = self.S @ V
        GtU = self.S.T @ U
        U -= self.eta * GV
        V -= self.eta * GtU


class RankOneGd(Problem):
    """GD for rank-one measurements y_i = a_iᵀ M b_i / √m with a_i, b_i rows of L (m × n1) and R (m × n2)."""

    def __init__(self, directory, p):
        super().__init__(directory, p)
        self.L = load(directory, "L")
        self.R = load(directory, "R")
        self.scale = 1.0 / np.sqrt(self.L.shape[0])

    def step(self):
        U, V, L, R, s = self.U, self.V, self.L, self.R, self.scale
        P = L @ U
        Q = R @ V
        r = np.einsum("ij,ij->i", P, Q)
        r *= s
        r -= self.y
        self.residual_norm = np.linalg.norm(r)
        w = (r * s)[:, None]
        GV = L.T @ (w * Q)
        GtU = R.T @ (w * P)
        U -= self.eta * GV
        V -= self.eta * GtU


KINDS = {"gd": DenseGd, "entry": EntryGd, "entry-scipy": EntryScipyGd, "rank-one": RankOneGd}


def readme(p):
    """The README problem end to end: generate M* and a Gaussian A, then ScaledGD(λ) until the error ≤ tol."""
    start = time.perf_counter()
    n, r, kappa, m, h = int(p["n"]), int(p["rank"]), float(p["kappa"]), int(p["m"]), int(p["h"])
    rng = np.random.default_rng(int(p["seed"]))
    Us, _ = np.linalg.qr(rng.standard_normal((n, r)))
    Vs, _ = np.linalg.qr(rng.standard_normal((n, r)))
    sigma = np.linspace(1.0, 1.0 / kappa, r)
    M = (Us * sigma) @ Vs.T
    A = rng.standard_normal((m, n * n))
    A *= 1.0 / np.sqrt(m)
    y = A @ M.T.ravel()
    generated = time.perf_counter()
    G = (A.T @ y).reshape(n, n).T
    sigma_hat = np.linalg.norm(G, 2)
    eta, lam = float(p["eta"]), float(p["lambda_rel"]) * sigma_hat
    alpha = float(p["alpha"])
    U = rng.standard_normal((n, h)) * (alpha / np.sqrt(n))
    V = rng.standard_normal((n, h)) * (alpha / np.sqrt(n))
    eye = np.eye(h)
    m_norm = np.linalg.norm(M)
    tol, cap = float(p["tolerance"]), int(p["max_iterations"])
    iterations, error = 0, np.inf
    while iterations <= cap:
        error = np.linalg.norm(U @ V.T - M) / m_norm
        if error <= tol or iterations == cap:
            break
        res = A @ (V @ U.T).ravel() - y
        G = (A.T @ res).reshape(n, n).T
        GV, GtU = G @ V, G.T @ U
        # (VᵀV + λI) is SPD: solve rather than invert.
        dU = np.linalg.solve(V.T @ V + lam * eye, GV.T).T
        dV = np.linalg.solve(U.T @ U + lam * eye, GtU.T).T
        U = U - eta * dU
        V = V - eta * dV
        iterations += 1
        if os.environ.get('PEER_DEBUG') and iterations % 25 == 0:
            print(iterations, error, file=sys.stderr, flush=True)
    end = time.perf_counter()
    return {"seconds": end - start, "generate_seconds": generated - start, "iterations": iterations, "relative_error": error}


def blas_name():
    try:
        with open("/proc/self/maps") as maps:
            libs = sorted({line.split()[-1] for line in maps if "blas" in line or "lapack" in line})
        return [os.path.realpath(x) for x in libs]
    except OSError:
        return []


def main():
    problems = {}
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        cmd = json.loads(line)
        op = cmd["op"]
        try:
            if op == "info":
                np.ones((64, 64)) @ np.ones((64, 64))  # load BLAS so it shows in the maps
                answer = {"numpy": np.__version__, "python": sys.version.split()[0], "blas": blas_name(),
                          "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "")}
            elif op == "load":
                problems[cmd["id"]] = KINDS[cmd["kind"]](cmd["dir"], cmd)
                answer = {"ok": True}
            elif op == "run":
                prob = problems[cmd["id"]]
                times = []
                clock = time.perf_counter
                for _ in range(int(cmd["iterations"])):
                    t0 = clock()
                    prob.step()
                    times.append(clock() - t0)
                answer = {"times": times}
            elif op == "check":
                prob = problems[cmd["id"]]
                prob.reset()
                for _ in range(int(cmd["iterations"])):
                    prob.step()
                answer = {"U": prob.U.ravel(order="F").tolist(), "V": prob.V.ravel(order="F").tolist()}
                prob.reset()
            elif op == "generate":
                rng = np.random.default_rng(int(cmd["seed"]))
                buffer = np.empty(int(cmd["count"]))
                rng.standard_normal(out=buffer)  # first touch outside the clock
                times = []
                for _ in range(int(cmd["rounds"])):
                    t0 = time.perf_counter()
                    rng.standard_normal(out=buffer)
                    times.append(time.perf_counter() - t0)
                answer = {"times": times}
            elif op == "readme":
                answer = readme(cmd)
            elif op == "drop":
                problems.pop(cmd["id"], None)
                answer = {"ok": True}
            elif op == "quit":
                out.write(json.dumps({"ok": True}) + "\n")
                out.flush()
                return
            else:
                answer = {"error": "unknown op " + op}
        except Exception as exc:  # report, keep serving
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
