#!/usr/bin/python3
"""NumPy peer of the solver trajectory tests: writes a seeded problem bundle and runs the SPEC §4 updates on it.

Usage: /usr/bin/python3 solver_trajectories.py OUT_DIR {asymmetric|symmetric} SIGMA1 BATCHES_FILE

Writes OUT_DIR/bundle.npz (A as m x n1 x n2, y, M_star, U0/V0 or X0) and OUT_DIR/peer.json with, per solver, the
absolute step and damping used and the first iteration at which ||UV^T - M*||_F / ||M*||_F falls below 1e-2, 1e-4,
1e-6 and 1e-8. The updates are written from SPEC.md alone (dense G = sum_i r_i A_i, explicit solves), not from the
library. SGD takes its batches from BATCHES_FILE (one line of indices per iteration), so both sides use the same ones.
"""
import json
import os
import sys

import numpy as np

LEVELS = [1e-2, 1e-4, 1e-6, 1e-8]
N, R, H, M, KAPPA, ALPHA = 12, 2, 3, 300, 2.0, 1e-10
BATCH = 30


def main():
    out, kind, sigma1, batches_file = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    symmetric = kind == "symmetric"
    rng = np.random.default_rng(1234 if symmetric else 4321)
    n1, n2 = N, N
    sigma = sigma1 * np.linspace(1.0, 1.0 / KAPPA, R)
    u_star = np.linalg.qr(rng.standard_normal((n1, R)))[0]
    v_star = u_star if symmetric else np.linalg.qr(rng.standard_normal((n2, R)))[0]
    m_star = (u_star * sigma) @ v_star.T
    g = rng.standard_normal((M, n1, n2)) / np.sqrt(M)
    a = (g + g.transpose(0, 2, 1)) / 2 if symmetric else g
    y = np.einsum("irc,rc->i", a, m_star)
    scale = ALPHA * np.sqrt(sigma1)
    u0 = scale * rng.standard_normal((n1, H)) / np.sqrt(n1)
    v0 = u0 if symmetric else scale * rng.standard_normal((n2, H)) / np.sqrt(n2)
    # Exact-rank solvers (ScaledGD, SVP) start from the first r* columns of a larger random start.
    exact0 = 0.3 * np.sqrt(sigma1) * rng.standard_normal((n1, R)) / np.sqrt(n1)
    exact0v = exact0 if symmetric else 0.3 * np.sqrt(sigma1) * rng.standard_normal((n2, R)) / np.sqrt(n2)
    # AGN divides by the factors' Gram matrices, so it starts at the paper's scale (entries N(0, 1/n)), not tiny.
    moderate0 = np.sqrt(sigma1) * rng.standard_normal((n1, H)) / np.sqrt(n1)
    moderate0v = np.sqrt(sigma1) * rng.standard_normal((n2, H)) / np.sqrt(n2)
    bundle = dict(A=a, y=y, M_star=m_star)
    if symmetric:
        bundle.update(X0=u0, X0_exact=exact0)
    else:
        bundle.update(U0=u0, V0=v0, U0_exact=exact0, V0_exact=exact0v, U0_moderate=moderate0, V0_moderate=moderate0v)
    np.savez(os.path.join(out, "bundle.npz"), **bundle)
    batches = [np.array([int(t) for t in line.split()]) for line in open(batches_file) if line.strip()]

    norm_star = np.linalg.norm(m_star)
    a2 = a.reshape(M, n1 * n2)  # a2[i] = A_i.ravel(): <A_i, Z> = a2[i] @ Z.ravel()

    def residual(u, v):
        return a2 @ (u @ v.T).ravel() - y

    def adjoint(r, rows=None, weight=1.0):
        if rows is None:
            return (r @ a2).reshape(n1, n2)
        return weight * (r @ a2[rows]).reshape(n1, n2)

    def sym(x):
        return (x + x.T) / 2

    def precondition(grad, f, lam):
        # grad (f^T f + lam I)^{-1}, by a solve with the symmetric h x h matrix
        k = f.T @ f + lam * np.eye(f.shape[1])
        return np.linalg.solve(k, grad.T).T

    def gd_like(u, v, lam_of, batch=None, weight=1.0, precond=False, eta=1.0):
        if batch is None:
            r = residual(u, v)
            gmat = adjoint(r)
        else:
            r = a2[batch] @ (u @ v.T).ravel() - y[batch]
            gmat = adjoint(r, batch, weight)
        lam = lam_of(np.linalg.norm(r)) if precond else 0.0
        if symmetric:
            d = sym(gmat) @ u
            if precond:
                d = precondition(d, u, lam)
            x = u - eta * d
            return x, x
        du, dv = gmat @ v, gmat.T @ u
        if precond:
            du, dv = precondition(du, v, lam), precondition(dv, u, lam)
        return u - eta * du, v - eta * dv

    def svp(u, v, eta):
        z = u @ v.T - eta * adjoint(residual(u, v))
        h = u.shape[1]
        if symmetric:
            w, q = np.linalg.eigh(sym(z))
            idx = np.argsort(w)[::-1][:h]
            x = q[:, idx] * np.sqrt(np.maximum(w[idx], 0))
            return x, x
        p, s, qt = np.linalg.svd(z)
        return p[:, :h] * np.sqrt(s[:h]), qt[:h].T * np.sqrt(s[:h])

    def agn(u, v, eta):
        # SPEC 10: L+ = L - eta Z R (R^T R)^+, Z recomputed at (L+, R), R+ = R - eta Z^T L+ (L+^T L+)^+
        z = adjoint(residual(u, v))
        u1 = u - eta * z @ v @ np.linalg.pinv(v.T @ v)
        z1 = adjoint(residual(u1, v))
        return u1, v - eta * z1.T @ u1 @ np.linalg.pinv(u1.T @ u1)

    runs = {
        "gd": dict(eta=0.5 / sigma1, lam=None, iters=3000),
        "sgd": dict(eta=0.3 / sigma1, lam=None, iters=len(batches)),
        "scaledgd-lambda": dict(eta=0.5, lam=1.0 * sigma1, iters=1500),
        "scaledgd": dict(eta=0.5, lam=0.0, iters=600),
        "precgd": dict(eta=0.5, lam=None, c=1.0, iters=600),
        "svp": dict(eta=0.5, lam=None, iters=600),
    }
    if not symmetric:
        runs["agn"] = dict(eta=0.5, lam=None, iters=600)
    result = {}
    for name, cfg in runs.items():
        exact = name in ("scaledgd", "svp")
        start = "_exact" if exact else "_moderate" if name == "agn" else ""
        u, v = {"_exact": (exact0, exact0v), "_moderate": (moderate0, moderate0v if not symmetric else None), "": (u0, v0)}[start]
        hits = [None] * len(LEVELS)
        errors = []
        for t in range(cfg["iters"] + 1):
            err = np.linalg.norm(u @ v.T - m_star) / norm_star
            errors.append(float(err))
            for k, level in enumerate(LEVELS):
                if hits[k] is None and err < level:
                    hits[k] = t
            if hits[-1] is not None or not np.isfinite(err) or t == cfg["iters"]:
                break
            eta = cfg["eta"]
            if name == "gd":
                u, v = gd_like(u, v, None, eta=eta)
            elif name == "sgd":
                b = batches[t]
                u, v = gd_like(u, v, None, batch=b, weight=M / len(b), eta=eta)
            elif name in ("scaledgd-lambda", "scaledgd"):
                u, v = gd_like(u, v, lambda _: cfg["lam"], precond=True, eta=eta)
            elif name == "precgd":
                u, v = gd_like(u, v, lambda norm: cfg["c"] * norm, precond=True, eta=eta)
            elif name == "agn":
                u, v = agn(u, v, eta)
            else:
                u, v = svp(u, v, eta)
        result[name] = dict(eta=cfg["eta"], lam=cfg["lam"], c=cfg.get("c"), iterations=cfg["iters"], hits=hits,
                            rank=R if exact else H, start=start, first_errors=errors[:5])
    with open(os.path.join(out, "peer.json"), "w") as fh:
        json.dump(dict(n=N, r=R, h=H, m=M, levels=LEVELS, solvers=result), fh, indent=1)


if __name__ == "__main__":
    main()
