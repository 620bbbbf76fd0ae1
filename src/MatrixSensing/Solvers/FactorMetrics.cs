using System.Numerics;
using System.Numerics.Tensors;
using MatrixSensing.LinearAlgebra;
using MatrixSensing.Problems;

namespace MatrixSensing.Solvers;

/// <summary>
/// The trace metrics of SPEC §7 computed from the factors alone, in O((n1 + n2)(h + r)²), with buffers allocated
/// once. The error uses QR of the stacked factors, ‖[U, −U*Σ][V, V*]ᵀ‖_F = ‖R_p·R_qᵀ‖_F, which stays accurate at
/// relative errors near machine precision, where expanding ‖UVᵀ‖² − 2⟨UVᵀ, M*⟩ + ‖M*‖² would cancel.
/// </summary>
internal sealed class FactorMetrics<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _rows, _columns, _rank;
    private readonly LowRankTarget<T>? _target;
    private readonly T _targetNorm;
    private readonly int _stacked;
    private readonly T[] _p, _q, _rp, _rq, _w;
    private readonly QrWorkspace<T> _qrP, _qrQ;
    private readonly SvdWorkspace<T> _svdSmall;
    private readonly T[] _singular;
    private readonly T[] _gramU, _gramV;
    private readonly T[]? _signal, _nuisance;
    private readonly SvdWorkspace<T>? _svdSignal, _svdNuisance;

    internal FactorMetrics(int rows, int columns, int rank, LowRankTarget<T>? target, bool diagnostics)
    {
        _rows = rows;
        _columns = columns;
        _rank = rank;
        _target = target;
        int r = target?.Rank ?? 0;
        _stacked = rank + r;
        _p = new T[rows * _stacked];
        _q = new T[columns * _stacked];
        _rp = new T[_stacked * _stacked];
        _rq = new T[_stacked * _stacked];
        _w = new T[_stacked * _stacked];
        _qrP = new QrWorkspace<T>(rows, _stacked);
        _qrQ = new QrWorkspace<T>(columns, _stacked);
        _svdSmall = new SvdWorkspace<T>(_stacked, _stacked);
        _singular = new T[_stacked];
        _gramU = new T[rank * rank];
        _gramV = new T[rank * rank];
        if (target is not null)
        {
            _targetNorm = target.FrobeniusNorm;
            if (diagnostics)
            {
                _signal = new T[r * rank];
                _nuisance = new T[rows * rank];
                _svdSignal = new SvdWorkspace<T>(r, rank);
                _svdNuisance = new SvdWorkspace<T>(rows, rank);
            }
        }
    }

    internal bool HasTarget => _target is not null;
    internal bool HasDiagnostics => _signal is not null;

    /// <summary>‖UVᵀ − M*‖_F / ‖M*‖_F.</summary>
    internal double RelativeError(ReadOnlySpan<T> u, ReadOnlySpan<T> v)
    {
        var target = _target!;
        int h = _rank, r = target.Rank;
        u.CopyTo(_p);
        v.CopyTo(_q);
        var scaledLeft = _p.AsSpan(_rows * h, _rows * r);
        target.Left.Span.CopyTo(scaledLeft);
        for (int k = 0; k < r; k++)
            TensorPrimitives.Multiply<T>(scaledLeft.Slice(k * _rows, _rows), -target.SingularValues[k], scaledLeft.Slice(k * _rows, _rows));
        target.Right.Span.CopyTo(_q.AsSpan(_columns * h, _columns * r));
        return double.CreateTruncating(NormOfProduct(_stacked) / _targetNorm);
    }

    /// <summary>‖UVᵀ‖_op, from the QR factors of U and V.</summary>
    internal double EstimateNorm(ReadOnlySpan<T> u, ReadOnlySpan<T> v)
    {
        int h = _rank;
        u.CopyTo(_p);
        v.CopyTo(_q);
        _p.AsSpan(_rows * h).Clear();
        _q.AsSpan(_columns * h).Clear();
        Product(_stacked);
        _svdSmall.SingularValues(_w, _stacked, _singular);
        return double.CreateTruncating(_singular[0]);
    }

    /// <summary>‖UᵀU − VᵀV‖_F.</summary>
    internal double Imbalance(ReadOnlySpan<T> u, ReadOnlySpan<T> v)
    {
        int h = _rank;
        Blas.Gemm(Transpose.Transposed, Transpose.None, h, h, _rows, T.One, u, _rows, u, _rows, T.Zero, _gramU.AsSpan(), h);
        Blas.Gemm(Transpose.Transposed, Transpose.None, h, h, _columns, T.One, v, _columns, v, _columns, T.Zero, _gramV.AsSpan(), h);
        TensorPrimitives.Subtract<T>(_gramU, _gramV, _gramU);
        return double.CreateTruncating(Blas.Nrm2<T>(_gramU));
    }

    /// <summary>σ_min(U*ᵀU) and ‖(I − U*U*ᵀ)U‖_op (Stöger and Soltanolkotabi's signal and nuisance parts).</summary>
    internal (double Signal, double Nuisance) Diagnostics(ReadOnlySpan<T> u)
    {
        var target = _target!;
        int h = _rank, r = target.Rank;
        Blas.Gemm(Transpose.Transposed, Transpose.None, r, h, _rows, T.One, target.Left.Span, _rows, u, _rows, T.Zero, _signal.AsSpan(), r);
        u.CopyTo(_nuisance);
        Blas.Gemm(Transpose.None, Transpose.None, _rows, h, r, -T.One, target.Left.Span, _rows, _signal, r, T.One, _nuisance.AsSpan(), _rows);
        var s = _singular.AsSpan(0, Math.Min(r, h));
        _svdSignal!.SingularValues(_signal, r, s);
        double signal = double.CreateTruncating(s[^1]);
        var sn = _singular.AsSpan(0, Math.Min(_rows, h));
        _svdNuisance!.SingularValues(_nuisance, _rows, sn);
        return (signal, double.CreateTruncating(sn[0]));
    }

    private T NormOfProduct(int k)
    {
        Product(k);
        // nrm2 scales; a plain sum of squares underflows to 0 for errors below ~1e-154 (and overflows above 1e154).
        return Blas.Nrm2<T>(_w);
    }

    /// <summary>_w ← R_p·R_qᵀ for the first k columns of _p and _q (both padded to k columns).</summary>
    private void Product(int k)
    {
        _qrP.Factor(_p, _rows);
        _qrQ.Factor(_q, _columns);
        int a = Math.Min(_rows, k), b = Math.Min(_columns, k);
        UpperTriangle(_p, _rows, a, k, _rp);
        UpperTriangle(_q, _columns, b, k, _rq);
        // Padded to k×k with zero rows, the product has the same Frobenius and operator norms.
        Blas.Gemm(Transpose.None, Transpose.Transposed, k, k, k, T.One, _rp, k, _rq, k, T.Zero, _w.AsSpan(), k);
    }

    private static void UpperTriangle(ReadOnlySpan<T> factored, int ld, int rows, int k, Span<T> r)
    {
        r.Clear();
        for (int j = 0; j < k; j++)
            for (int i = 0; i <= Math.Min(j, rows - 1); i++)
                r[i + j * k] = factored[i + j * ld];
    }
}
