#!/usr/bin/python3
"""Load the output files of msense with NumPy and the standard library alone.

Copy this file next to your analysis, or import it from docs/. Every loader takes a path; ``load_folder`` loads
whatever a ``--out`` folder holds. Missing values come back as ``None`` (JSON ``null``, an empty CSV cell) in the
dictionaries and as ``nan`` in the NumPy arrays of ``load_trace_csv``.

    /usr/bin/python3 docs/load_outputs.py OUT_DIR      # prints a summary of the folder
"""

import csv
import glob
import json
import os
import sys

import numpy as np


def _number(text):
    """A CSV cell as int, float, None (empty cell = missing value) or the text itself."""
    if text == "":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def load_json(path):
    """trace.json, summary.json, sweep.json, manifest.json or a --json summary, as a dict (null -> None)."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_trace_json(path):
    """trace.json: {schema, config, provenance, complete, runs}; each run has a 'trace' list of rows."""
    document = load_json(path)
    if not str(document.get("schema", "")).startswith("msense.trace/"):
        raise ValueError(f"{path}: not an msense trace (schema {document.get('schema')!r})")
    return document


def load_trace_csv(path):
    """trace.csv as {solver: {column: float array}}; empty cells (missing values) become nan."""
    by_solver = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            columns = by_solver.setdefault(row["solver"], {})
            for name, text in row.items():
                if name != "solver":
                    columns.setdefault(name, []).append(float(text) if text != "" else np.nan)
    return {solver: {name: np.array(values) for name, values in columns.items()} for solver, columns in by_solver.items()}


def load_estimate(path):
    """estimate-<solver>.npz as a dict: 'estimate' (n1 x n2), 'U' and 'V' (or 'X' when symmetric), 'meta' (dict)."""
    with np.load(path) as f:
        out = {name: f[name] for name in f.files if name != "meta"}
        # meta is UTF-8 JSON stored as a uint8 array: the same document as trace.json, for this solver alone.
        out["meta"] = json.loads(f["meta"].tobytes()) if "meta" in f.files else None
    return out


def load_trials(path):
    """trials.jsonl as a list of dicts, one per finished trial (an incomplete last line is skipped)."""
    records = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                pass  # a torn tail from a killed sweep; msense drops it the same way
    return records


def load_csv(path):
    """sweep.csv, trace.csv or a reproduce NAME.csv as a list of dicts (numbers parsed, empty cells None)."""
    with open(path, newline="", encoding="utf-8") as f:
        return [{name: _number(text) for name, text in row.items()} for row in csv.DictReader(f)]


def load_folder(folder):
    """Everything msense wrote into a --out folder: {file name: loaded content}, complete and .partial. files alike."""
    loaded = {}
    for path in sorted(glob.glob(os.path.join(folder, "*"))):
        name = os.path.basename(path)
        if name.startswith("trace") and name.endswith(".json"):
            loaded[name] = load_trace_json(path)
        elif name.startswith("estimate-") and name.endswith(".npz"):
            loaded[name] = load_estimate(path)
        elif name.startswith("trace") and name.endswith(".csv"):
            loaded[name] = load_trace_csv(path)
        elif name.endswith(".jsonl"):
            loaded[name] = load_trials(path)
        elif name.endswith(".json"):
            loaded[name] = load_json(path)
        elif name.endswith(".csv"):
            loaded[name] = load_csv(path)
    return loaded


def summary(folder):
    """Lines describing a folder: the problem, each run's outcome, each estimate's arrays, the sweep's counts."""
    lines = []
    for name, content in load_folder(folder).items():
        if name.startswith("trace") and name.endswith(".json"):
            p = content["config"]["problem"]
            lines.append(f"{name}: complete={content['complete']} n1={p['n1']} n2={p['n2']} r_star={p['r_star']} m={p['m']} "
                         f"operator={p['operator']} version={content['provenance']['msense_version']}")
            for run in content["runs"]:
                lines.append(f"  run solver={run['solver']} status={run['status']} iterations={run['iterations']} "
                             f"relative_error={run['relative_error']} relative_residual={run['relative_residual']} "
                             f"trace_rows={len(run['trace'] or [])}")
        elif name.startswith("estimate-"):
            arrays = " ".join(f"{k}={'x'.join(map(str, v.shape))}" for k, v in content.items() if k != "meta")
            run = content["meta"]["runs"][0] if content["meta"] else {}
            lines.append(f"{name}: {arrays} solver={run.get('solver')} status={run.get('status')}")
        elif name.startswith("trace") and name.endswith(".csv"):
            rows = {solver: len(columns["iteration"]) for solver, columns in content.items()}
            lines.append(f"{name}: rows per solver {rows}, columns {list(next(iter(content.values()), {}))}")
        elif name.startswith("sweep") and name.endswith(".csv"):
            lines.append(f"{name}: {len(content)} rows, {sum(r['success'] for r in content)} succeeded")
        elif name.endswith(".jsonl"):
            lines.append(f"{name}: {len(content)} trials, {sum(r['success'] for r in content)} succeeded")
        elif name.startswith("summary"):
            lines.append(f"{name}: complete={content['complete']} planned={content['planned']} ran={content['ran']} succeeded={content['succeeded']}")
        elif name.startswith("manifest"):
            lines.append(f"{name}: complete={content['complete']} exit_code={content['exitCode']} files={content['files']}")
    return lines


if __name__ == "__main__":
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.exit("usage: load_outputs.py OUT_DIR")
    print("\n".join(summary(sys.argv[1])))
