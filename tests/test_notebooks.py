"""Execute every notebook in notebooks/ and fail if any cell raises.

The kernel is the interpreter running the tests: a temporary kernelspec named
'python3' points at ``sys.executable`` (so a user-level 'python3' kernelspec
for some other Python cannot hijack the run), and the kernel sees the same
`memverify` that this process imports.  Each cell may take up to 600 s; the
kernel's working directory is the notebooks folder.
"""

from __future__ import annotations

import json
import os
import pathlib
import sys

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402  (installed with nbclient)
from jupyter_client.manager import KernelManager  # noqa: E402

NOTEBOOK_DIR = pathlib.Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
KERNEL_NAME = "python3"
CELL_TIMEOUT = 600


@pytest.fixture(scope="module")
def kernel_spec_manager(tmp_path_factory):
    """A KernelSpecManager whose only 'python3' kernel runs this interpreter."""
    kernels = tmp_path_factory.mktemp("kernels")
    spec_dir = kernels / KERNEL_NAME
    spec_dir.mkdir()
    argv = [sys.executable]
    if sys.version_info >= (3, 11):
        argv.append("-Xfrozen_modules=off")  # silences debugpy's warning in the kernel
    argv += ["-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec = {"argv": argv, "display_name": f"Python {sys.version_info.major} (tests)", "language": "python"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    return KernelSpecManager(kernel_dirs=[str(kernels)])


def _kernel_env():
    """The environment of the kernel: this one, with the directory that holds
    the `memverify` imported here put first on PYTHONPATH."""
    import memverify

    env = dict(os.environ)
    pkg_parent = str(pathlib.Path(memverify.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([pkg_parent] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return env


def test_notebooks_present():
    assert NOTEBOOKS, f"no notebooks found in {NOTEBOOK_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path, kernel_spec_manager, tmp_path, monkeypatch):
    # connection files in a private directory (works with a read-only HOME)
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=kernel_spec_manager)
    client = nbclient.NotebookClient(nb, km=km, kernel_name=KERNEL_NAME, timeout=CELL_TIMEOUT,
                                     resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    try:
        client.execute(env=_kernel_env())
    except nbclient.exceptions.CellExecutionError as exc:
        pytest.fail(f"{path.name}: a cell raised\n{exc}", pytrace=False)
    errors = [out for cell in nb.cells if cell.cell_type == "code"
              for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    assert not errors, f"{path.name}: error outputs {[e.get('ename') for e in errors]}"
