using System.Numerics;
using MatrixSensing.Operators;
using MatrixSensing.Problems;

namespace MatrixSensing.Solvers;

/// <summary>
/// The buffers of one run, allocated once at setup: factors, their last finite copy, the residual and the gradient
/// products. For a symmetric problem <see cref="V"/> is the same array as <see cref="U"/> (X).
/// </summary>
internal sealed class SolverState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal SolverState(SensingProblem<T> problem, int rank, int maxBatch)
    {
        Problem = problem;
        Rank = rank;
        Symmetric = problem.IsSymmetric;
        U = new T[problem.Rows * rank];
        V = Symmetric ? U : new T[problem.Columns * rank];
        LastGoodU = new T[U.Length];
        LastGoodV = Symmetric ? LastGoodU : new T[V.Length];
        Residual = new T[problem.Count];
        GV = new T[problem.Rows * rank];
        GtU = new T[problem.Columns * rank];
        Workspace = problem.Operator.CreateWorkspace(rank, maxBatch);
    }

    internal SensingProblem<T> Problem { get; }
    internal MeasurementOperator<T> Operator => Problem.Operator;
    internal int Rank { get; }
    internal bool Symmetric { get; }
    internal int Rows => Problem.Rows;
    internal int Columns => Problem.Columns;
    internal T[] U { get; }
    internal T[] V { get; }
    internal T[] LastGoodU { get; }
    internal T[] LastGoodV { get; }
    /// <summary>A(UVᵀ) − y at the current iterate (when the rule uses the full residual).</summary>
    internal T[] Residual { get; }
    internal T ResidualNorm { get; set; }
    internal T[] GV { get; }
    /// <summary>GV and GtU already hold the gradient products at the current iterate.</summary>
    internal bool GradientReady { get; set; }
    internal T[] GtU { get; }
    internal OperatorWorkspace<T> Workspace { get; }
    /// <summary>The absolute step η.</summary>
    internal T Step { get; set; }
    /// <summary>The absolute damping λ (ScaledGD(λ)).</summary>
    internal T Lambda { get; set; }
    internal double SigmaHat { get; set; }

    /// <summary>GV ← G·V and GtU ← Gᵀ·U at the current iterate, unless the session computed them with the residual.</summary>
    internal void EnsureGradient()
    {
        if (!GradientReady) Operator.AdjointFactored(Residual, U, V, Workspace, GV, GtU);
        GradientReady = false;
    }

    internal void SaveLastGood()
    {
        U.AsSpan().CopyTo(LastGoodU);
        if (!Symmetric) V.AsSpan().CopyTo(LastGoodV);
    }

    internal void RestoreLastGood()
    {
        LastGoodU.AsSpan().CopyTo(U);
        if (!Symmetric) LastGoodV.AsSpan().CopyTo(V);
    }

    /// <summary>For a symmetric model, GV and GᵀU hold GX and GᵀX; their mean is sym(G)X, the gradient.</summary>
    internal void SymmetrizeGradient()
    {
        System.Numerics.Tensors.TensorPrimitives.Add<T>(GV, GtU, GV);
        System.Numerics.Tensors.TensorPrimitives.Multiply<T>(GV, T.CreateTruncating(0.5), GV);
    }
}
