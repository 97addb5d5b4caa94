"""The plugin under plain pytest, from a directory with no conftest.py."""

import subprocess
import xml.etree.ElementTree as ET

from runner_helpers import PYTHON, REPO, clean_env, describe, stub_dir


def test_plain_pytest_with_the_plugin(tmp_path):
    d = stub_dir(tmp_path, "pass", "fail", "directives")
    env = dict(clean_env(), PYTHONPATH=str(REPO))
    junit = tmp_path / "junit.xml"
    r = subprocess.run([PYTHON, "-m", "pytest", "-p", "runner.plugin", "-p", "no:cacheprovider",
                        "--vdsoconf-cases-dir", str(d), "-k", "fail or dir.xfail",
                        f"--junitxml={junit}", "-rA", str(d)],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, describe(r)
    assert "1 failed, 1 passed" in r.stdout and "1 xfailed" in r.stdout
    names = {tc.get("name") for tc in ET.parse(junit).getroot().iter("testcase")}
    assert names == {"stub.fail.good", "stub.fail.bad", "dir.xfail"}
