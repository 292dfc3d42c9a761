"""Shared by the Python test suites: where things are, and the PASS/FAIL
lines tests/run.sh counts."""
import os
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEHOACH = os.path.join(ROOT, os.environ.get("KEHOACH", "build/kehoach"))
failures = 0

# A small valid plan (KT. signer) that suites edit with str.replace: one
# source of the fields every test plan needs.
PLAN = """---
type: ke-hoach
issuer:
  parent: UBND TỈNH KON TUM
  name: SỞ Y TẾ
  code: SYT
number: 5
place: Kon Tum
date: 2025-02-05
title: Kế hoạch thử
recipients:
  - Bộ Y tế (báo cáo)
archive: VT, TCHC
signer:
  authority: KT
  on_behalf_of: GIÁM ĐỐC
  title: PHÓ GIÁM ĐỐC
  name: Nguyễn Văn A
---
# Mục đích
Nội dung.
"""


def check(ok, name, why=""):
    """One check: prints "PASS name" or "FAIL name: why"."""
    global failures
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)))
    failures += not ok


def run(args, env=None, cwd=None, timeout=120, epoch="0"):
    """Runs a command with a fixed SOURCE_DATE_EPOCH; env adds variables."""
    e = dict(os.environ, SOURCE_DATE_EPOCH=epoch)
    e.update(env or {})
    return subprocess.run(args, capture_output=True, env=e, cwd=cwd, timeout=timeout)


def exit_status():
    return 1 if failures else 0


def data_copy(dest, template=None):
    """A copy of the data directory (templates/, schemas/, fonts/) at dest,
    for tests that break one of its files; template: the text to write as
    templates/ke-hoach.yaml instead of the real one. Returns dest."""
    for sub in ("templates", "schemas", "fonts"):
        shutil.copytree(os.path.join(ROOT, sub), os.path.join(dest, sub))
    if template is not None:
        with open(os.path.join(dest, "templates", "ke-hoach.yaml"), "w", encoding="utf-8") as f:
            f.write(template)
    return dest


def throwaway_certificate(tmp):
    """An NSS database in tmp/nss holding a self-signed certificate
    nicknamed "test", as a clerk's signing software would hold theirs
    (certutil from libnss3-tools). Checks it was made; returns the
    database's directory."""
    nss = os.path.join(tmp, "nss")
    os.mkdir(nss)
    noise = os.path.join(tmp, "noise")
    with open(noise, "wb") as f:
        f.write(os.urandom(64))
    r1 = run(["certutil", "-N", "--empty-password", "-d", nss])
    r2 = run(["certutil", "-S", "-x", "-n", "test", "-s", "CN=kehoach test", "-t", "CT,C,C", "-k", "rsa",
              "-g", "2048", "-v", "12", "-d", nss, "-z", noise])
    check(r1.returncode == 0 and r2.returncode == 0, "a throw-away certificate (certutil)",
          (r1.stderr + r2.stderr).decode()[:300])
    return nss
