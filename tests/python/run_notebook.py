"""Execute one notebook with nbclient on Debian's ipykernel; any error in a cell fails.

    PYTHONPATH=build/python /usr/bin/python3 tests/python/run_notebook.py notebooks/00-introduction.ipynb

The notebook is committed without outputs and is not written back."""
import os
import sys
import time
from pathlib import Path

import nbclient
import nbformat


def main(path: str) -> int:
    p = Path(path).resolve()
    nb = nbformat.read(p, as_version=4)
    bad = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.get("outputs")]
    if bad:
        print(f"{p.name}: cells {bad} have outputs: commit notebooks without outputs "
              "(jupyter nbconvert --clear-output --inplace)", file=sys.stderr)
        return 1
    # The kernel runs in the notebook's directory: relative PYTHONPATH entries would break.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        str(Path(e).resolve()) for e in os.environ.get("PYTHONPATH", "").split(os.pathsep) if e)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # ipykernel's debugger notice
    t = time.perf_counter()
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(p.parent)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as e:
        print(f"{p.name}: a cell failed:\n{e}", file=sys.stderr)
        return 1
    print(f"{p.name}: {len(nb.cells)} cells executed in {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
