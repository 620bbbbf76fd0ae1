#!/usr/bin/python3
"""NumPy peer of the ScaledSGD trajectory test: runs SPEC §10's per-entry updates on the problem the test wrote.

Usage: /usr/bin/python3 scaledsgd_trajectory.py IN_JSON OUT_JSON

IN_JSON holds n1, n2, symmetric, eta, preconditioned, the observed entries (rows, cols, values), M_star (row-major
lists), the start U0/V0 (or X0) and one permutation of the entries per epoch (the test draws them with the library's
seeded sampler so both sides visit the entries in the same order). The preconditioner is inverted exactly at every
sample (np.linalg.inv of the Gram matrix), never updated, so the library's Sherman-Morrison updates are checked too.
Writes the relative error ||UV^T - M*||_F / ||M*||_F after every epoch.
"""
import json
import sys

import numpy as np


def main():
    spec = json.load(open(sys.argv[1]))
    symmetric, eta, pre = spec["symmetric"], spec["eta"], spec["preconditioned"]
    rows, cols, vals = np.array(spec["rows"]), np.array(spec["cols"]), np.array(spec["values"], dtype=float)
    m_star = np.array(spec["M_star"], dtype=float)
    u = np.array(spec["U0"], dtype=float)
    v = u if symmetric else np.array(spec["V0"], dtype=float)
    norm = np.linalg.norm(m_star)
    errors = [float(np.linalg.norm(u @ v.T - m_star) / norm)]
    for order in spec["epochs"]:
        for s in order:
            j, k, value = rows[s], cols[s], vals[s]
            uj, vk = u[j].copy(), v[k].copy()
            e = uj @ vk - value
            pv = np.linalg.inv(v.T @ v) if pre else np.eye(u.shape[1])
            pu = np.linalg.inv(u.T @ u) if pre else np.eye(u.shape[1])
            du, dv = eta * e * (pv @ vk), eta * e * (pu @ uj)
            if symmetric and j == k:
                u[j] = uj - du - dv
                continue
            u[j] = uj - du
            v[k] = vk - dv
        errors.append(float(np.linalg.norm(u @ v.T - m_star) / norm))
    json.dump(dict(errors=errors), open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
