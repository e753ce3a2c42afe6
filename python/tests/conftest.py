# Shared by the package's tests: where socm and the test data are.
import os
import sys

import pytest

SRC = os.environ.get("SOCM_SRC") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(SRC, "tests", "data", "ext")
sys.path.insert(0, DATA)


@pytest.fixture
def socm_bin():
    path = os.environ.get("SOCM_BIN") or os.path.join(SRC, "build", "socm")
    if not os.access(path, os.X_OK):
        pytest.skip("no socm binary (set SOCM_BIN)")
    return path


@pytest.fixture
def data_dir():
    return DATA
