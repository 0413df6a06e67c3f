"""The CI workflow is valid YAML, runs only invoke tasks that exist, and publishes only from main."""

import re
from pathlib import Path

import pytest
import yaml
from invoke import Collection

import tasks
from bantin.build import load_settings
from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
TASK_CALL = re.compile(r"^python3 bootstrap\.py (?P<task>[\w-]+)(?: .*)?$")


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true


def steps(workflow: dict):
    for job_name, job in workflow["jobs"].items():
        for step in job["steps"]:
            yield job_name, job, step


def commands(workflow: dict) -> list[str]:
    return [
        line.strip()
        for _, _, step in steps(workflow)
        for line in step.get("run", "").splitlines()
        if line.strip()
    ]


def test_runs_on_pull_requests_and_pushes_to_main(workflow):
    on = triggers(workflow)
    assert "pull_request" in on
    assert on["push"]["branches"] == ["main"]


def test_every_command_is_an_invoke_task_that_exists(workflow):
    existing = set(Collection.from_module(tasks).task_names)
    called = []
    for command in commands(workflow):
        match = TASK_CALL.match(command)
        assert match, f"the workflow runs something other than an invoke task: {command}"
        called.append(match["task"])
    assert set(called) <= existing, f"unknown tasks: {set(called) - existing}"
    assert {"test", "publish"} <= set(called)


def test_pull_requests_check_without_deploying(workflow):
    check = workflow["jobs"]["check"]
    assert "if" not in check
    publish_steps = [step for step in check["steps"] if "publish" in step.get("run", "")]
    assert publish_steps and all(step["env"]["BANTIN_DEPLOY"] == "" for step in publish_steps)


def test_deploying_happens_only_on_main_after_the_checks(workflow):
    deploying = [
        (name, job) for name, job, step in steps(workflow)
        if step.get("env", {}).get("BANTIN_DEPLOY")
    ]
    assert deploying
    for name, job in deploying:
        assert "github.ref == 'refs/heads/main'" in job["if"]
        assert "github.event_name != 'pull_request'" in job["if"]
        assert job["needs"] == "check"
        assert job["permissions"] == {"contents": "write"}


def test_main_is_published_again_every_hour_for_scheduled_articles(workflow):
    (entry,) = triggers(workflow)["schedule"]
    minute, hour, *rest = entry["cron"].split()
    assert minute.isdigit() and hour == "*" and rest == ["*", "*", "*"], "not hourly"
    check, publish = workflow["jobs"]["check"], workflow["jobs"]["publish"]
    # Scheduled runs start from the default branch (main): the publish job's condition lets
    # them through, after the same checks as a push.
    assert "github.event_name != 'pull_request'" in publish["if"] and publish["needs"] == "check"
    skipped = [step for step in check["steps"] if "schedule" in step.get("if", "")]
    assert [step["run"] for step in skipped] == ["python3 bootstrap.py test"]
    assert any("publish" in step.get("run", "") and "if" not in step for step in check["steps"])


CACHE_INPUTS = ["requirements.txt", "pelicanconf.py", "publishconf.py", "bantin/**", "plugins/**",
                "theme/**", "content/**"]


def test_every_build_starts_from_the_last_runs_caches_and_output(workflow):
    """A push of one article takes the fast path: each job that publishes restores cache/ and
    output/ (where the settings put them) before building, keyed on what invalidates them, with
    prefixes to fall back on (every entry is keyed by its own inputs, so an older copy is safe)."""
    settings = load_settings(ROOT / "publishconf.py")
    needed = {Path(settings[name]).resolve().relative_to(ROOT).parts[0]
              for name in ("CACHE_PATH", "PHOTO_CACHE_PATH", "OUTPUT_PATH")}
    for name, job in workflow["jobs"].items():
        runs = [step.get("run", "") for step in job["steps"]]
        publishing = next(i for i, run in enumerate(runs) if "bootstrap.py publish" in run)
        caches = [(i, step) for i, step in enumerate(job["steps"])
                  if step.get("uses", "").startswith("actions/cache@")]
        assert len(caches) == 1, f"job {name} restores no cache"
        position, cache = caches[0]
        assert position < publishing
        assert needed <= set(cache["with"]["path"].split()), name
        key = cache["with"]["key"]
        for inputs in CACHE_INPUTS:
            assert f"'{inputs}'" in key, f"{inputs} missing from the cache key of {name}"
        prefixes = cache["with"]["restore-keys"].splitlines()
        assert prefixes and all(key.startswith(prefix) and key != prefix for prefix in prefixes)
