#!/usr/bin/env python3
"""The CI entries for plan repositories: action.yml (a composite GitHub
Action) has its steps run by bash as a runner would run them, on a
temporary plan repository, with ${{ github.action_path }} this tree and
${{ inputs.* }} substituted; .pre-commit-hooks.yaml's entry is run on the
files its `files` pattern selects. Prints "PASS name" / "FAIL name: why".
"""
import os, re, shlex, shutil, stat, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from khtest import ROOT, PLAN, check, exit_status  # noqa: E402

try:
    import yaml
except ImportError:  # python3-yaml is in tests/deps.sh's test list
    print("SKIP CI entries: python3-yaml is not installed")
    sys.exit(0)

BROKEN = PLAN.replace("date: 2025-02-05", "date: 2025-02-30")  # line 9
WARNED = PLAN + "\n```\nmã nguồn\n```\n"  # fenced code: a warning only


def make_repo(tmp):
    repo = os.path.join(tmp, "repo")
    files = {"plans/tot.md": PLAN, "plans/2025/hong.md": BROKEN, "plans/canh-bao.md": WARNED,
             "README.md": "# Kế hoạch của Sở\n", "notes.txt": "x\n"}
    for name, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(repo, name)), exist_ok=True)
        open(os.path.join(repo, name), "w", encoding="utf-8").write(text)
    return repo


def expand(text, inputs):
    """${{ github.action_path }} and ${{ inputs.NAME }}; any other
    expression is a failure of the test (the runner would need it)."""
    def sub(m):
        expr = m.group(1).strip()
        if expr == "github.action_path":
            return ROOT
        if expr.startswith("inputs."):
            return inputs[expr[len("inputs."):]]
        raise KeyError(expr)
    return re.sub(r"\$\{\{(.*?)\}\}", sub, text)


def run_action(action, repo, tmp, given, fake_bin):
    """Runs every step as a runner does: bash --noprofile --norc -eo pipefail
    on the script, the step's env, GITHUB_PATH and GITHUB_WORKSPACE; stops
    at the first failing step. Returns (exit status, output, steps run)."""
    inputs = {k: str(v.get("default", "")) for k, v in action.get("inputs", {}).items()}
    inputs.update(given)
    github_path = os.path.join(tmp, "github_path")
    open(github_path, "w").close()
    out, ran = "", 0
    for i, step in enumerate(action["runs"]["steps"]):
        script = os.path.join(tmp, "step%d.sh" % i)
        open(script, "w").write(expand(step["run"], inputs))
        env = dict(os.environ, GITHUB_PATH=github_path, GITHUB_WORKSPACE=repo, GITHUB_ACTIONS="true",
                   PATH=fake_bin + os.pathsep + os.environ["PATH"])
        env.pop("KEHOACH_DATA", None)
        env.update({k: expand(str(v), inputs) for k, v in step.get("env", {}).items()})
        shell = step.get("shell")
        r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], cwd=repo,
                           env=env, capture_output=True, text=True, timeout=300)
        out += r.stdout + r.stderr
        ran += 1
        if shell != "bash" or r.returncode:
            return r.returncode or 99, out, ran
    return 0, out, ran


def test_action(tmp):
    action = yaml.safe_load(open(os.path.join(ROOT, "action.yml"), encoding="utf-8"))
    steps = action.get("runs", {}).get("steps", [])
    check(action.get("runs", {}).get("using") == "composite" and len(steps) >= 3
          and all(s.get("shell") == "bash" and "run" in s for s in steps),
          "action: a composite action of bash steps", action.get("runs"))
    check("files" in action.get("inputs", {}) and action["inputs"]["files"].get("default", "").endswith("*.md"),
          "action: input 'files' (default a glob of .md)", action.get("inputs"))
    check(all("description" in v for v in action.get("inputs", {}).values()) and action.get("description"),
          "action: a description for it and for each input")
    text = open(os.path.join(ROOT, "action.yml"), encoding="utf-8").read()
    check("validate --format=github" in text and "${{ github.action_path }}" in text,
          "action: builds from its own checkout and runs validate --format=github")
    # apt-get and sudo on PATH record their use: with every build package
    # present the action must not call them (nor touch the network)
    fake_bin = os.path.join(tmp, "fake-bin")
    os.makedirs(fake_bin)
    calls = os.path.join(tmp, "calls")
    for tool in ("apt-get", "sudo"):
        p = os.path.join(fake_bin, tool)
        open(p, "w").write('#!/bin/sh\necho "%s $*" >> %s\nexit 1\n' % (tool, calls))
        os.chmod(p, os.stat(p).st_mode | stat.S_IEXEC)
    build_pkgs = subprocess.run(["sh", os.path.join(ROOT, "tests/deps.sh"), "--print", "build"],
                                capture_output=True, text=True).stdout.split()
    missing = [p for p in build_pkgs if "install ok installed" not in subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True).stdout]
    repo = make_repo(tmp)

    rc, out, ran = run_action(action, repo, tmp, {}, fake_bin)
    called = open(calls).read() if os.path.exists(calls) else ""
    if missing:
        print("SKIP action: build packages missing (%s): the install step would run apt-get" % " ".join(missing))
    else:
        check(not called, "action: no apt-get when the build packages are present", called)
    gp = open(os.path.join(tmp, "github_path")).read().split()
    check(ran == len(steps), "action: every step ran (default files: a broken plan among them)", out[-800:])
    check(os.path.join(ROOT, "build") in gp, "action: kehoach's folder added to GITHUB_PATH", gp)
    ann = re.findall(r"^::error file=([^,]*),line=(\d+),col=\d+,title=(\w+)::(.*)$", out, re.M)
    check(rc != 0 and ("plans/2025/hong.md", "9", "date") in [a[:3] for a in ann],
          "action: a broken plan is an ::error file=…,line=… annotation, the job fails", (rc, out[-800:]))
    check(not any("README" in a[0] for a in ann) and not any(a[0] == "plans/tot.md" for a in ann),
          "action: the default glob checks plans/**/*.md only", ann)
    check(re.search(r"^::warning file=plans/canh-bao\.md,line=\d+", out, re.M),
          "action: a warning is a ::warning annotation", out[-600:])

    rc, out, _ = run_action(action, repo, tmp, {"files": "plans/tot.md plans/canh-bao.md"}, fake_bin)
    check(rc == 0 and "::error" not in out, "action: good plans (a warning at most) pass", out[-600:])
    rc, out, _ = run_action(action, repo, tmp, {"files": "plans/canh-bao.md", "strict": "true"}, fake_bin)
    check(rc != 0 and "::warning file=plans/canh-bao.md" in out, "action: strict: true fails on a warning",
          (rc, out[-600:]))
    rc, out, _ = run_action(action, repo, tmp, {"files": "plans/tot.md\nplans/2025/*.md"}, fake_bin)
    check(rc != 0 and "::error file=plans/2025/hong.md,line=9" in out,
          "action: several globs, one a line", out[-600:])
    rc, out, _ = run_action(action, repo, tmp, {"files": "ke-hoach/**/*.md"}, fake_bin)
    check(rc != 0 and "::error title=kehoach::no file matches 'ke-hoach/**/*.md'" in out,
          "action: a glob that matches nothing is an error, not a silent pass", out[-600:])


def test_pre_commit(tmp):
    hooks = yaml.safe_load(open(os.path.join(ROOT, ".pre-commit-hooks.yaml"), encoding="utf-8"))
    hook = next((h for h in hooks if h.get("id") == "kehoach-validate"), None)
    check(hook is not None and hook.get("language") in ("system", "script") and hook.get("name")
          and shlex.split(hook.get("entry", ""))[:2] == ["kehoach", "validate"],
          "pre-commit: hook kehoach-validate, entry kehoach validate", hooks)
    if hook is None:
        return
    repo = make_repo(tmp)
    files = sorted(os.path.relpath(os.path.join(d, f), repo) for d, _, fs in os.walk(repo) for f in fs)
    pattern = re.compile(hook.get("files", ""))
    chosen = [f for f in files if pattern.search(f)]
    check(chosen == ["plans/2025/hong.md", "plans/canh-bao.md", "plans/tot.md"],
          "pre-commit: files picks the plans under plans/, not the README", chosen)
    # what pre-commit runs: the entry, then the files (kehoach on PATH)
    env = dict(os.environ, PATH=os.path.join(ROOT, "build") + os.pathsep + os.environ["PATH"])
    env.pop("KEHOACH_DATA", None)

    def hook_run(names):
        return subprocess.run(shlex.split(hook["entry"]) + hook.get("args", []) + names, cwd=repo,
                              env=env, capture_output=True, text=True, timeout=60)
    r = hook_run(["plans/tot.md", "plans/canh-bao.md"])
    check(r.returncode == 0, "pre-commit: the hook passes good plans", r.stderr[-400:])
    r = hook_run(["plans/tot.md", "plans/2025/hong.md"])
    check(r.returncode == 1 and "plans/2025/hong.md:9:" in r.stderr and "[date]" in r.stderr,
          "pre-commit: the hook fails a broken plan, naming its line", (r.returncode, r.stderr[-400:]))


def main():
    for t in (test_action, test_pre_commit):
        with tempfile.TemporaryDirectory() as tmp:
            t(tmp)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
