"""Locust users for bench/load.py: supervisors and supervisees of one council, signed in.

Each simulated user takes the next account of the plan (``OVERSIGHT_LOAD_PLAN``, a JSON
file bench/load.py writes), signs in through the sign-in page, and then, with think time
between actions, reads its pages (My supervision, a supervision file, a session, a record)
or signs off a record through the record page's own form: a supervisor shares a draft
(step "share"), a supervisee agrees a shared record (step "agree"). Every response time is
also written to ``OVERSIGHT_LOAD_SAMPLES`` (JSON lines: group, name, ms, ok) when locust
quits, so bench/load.py can take exact percentiles over each group.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["OVERSIGHT_LOAD_PLAN"]).read()) if os.environ.get("OVERSIGHT_LOAD_PLAN") else []
THINK = tuple(float(x) for x in os.environ.get("OVERSIGHT_LOAD_THINK", "2,8").split(","))
_next_account = itertools.count()
_samples: list[tuple[str, str, float, bool]] = []
_lock = threading.Lock()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):  # noqa: ANN001
    group = name.split(":", 1)[0]
    with _lock:
        _samples.append((group, name, response_time, exception is None))


@events.quitting.add_listener
def _dump(environment, **kwargs):  # noqa: ANN001
    path = os.environ.get("OVERSIGHT_LOAD_SAMPLES")
    if path:
        with open(path, "w") as out:
            for group, name, ms, ok in _samples:
                out.write(json.dumps({"group": group, "name": name, "ms": ms, "ok": ok}) + "\n")


class Staff(HttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.account = PLAN[next(_next_account) % len(PLAN)]
        self.to_sign = list(self.account["sign_off"])
        self.rng = random.Random(self.account["username"])
        page = self.client.get("/sign-in/", name="sign-in: page")
        token = CSRF.search(page.text)
        with self.client.post(
            "/sign-in/",
            data={
                "username": self.account["username"],
                "password": self.account["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": self.host + "/sign-in/"},
            name="sign-in: post",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in as {self.account['username']} gave {response.status_code}")
        if os.environ.get("OVERSIGHT_LOAD_SIGN_OFF_FIRST"):  # the smoke test: every user signs off at least once
            self.sign_off()

    def _get(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"{path} gave {response.status_code}")

    @task(3)
    def home(self) -> None:
        self._get("/home/", "read: /home/")

    @task(3)
    def person_file(self) -> None:
        self._get(f"/people/{self.rng.choice(self.account['files'])}/", "read: /people/<id>/")

    @task(2)
    def session(self) -> None:
        self._get(f"/sessions/{self.rng.choice(self.account['sessions'])}/", "read: /sessions/<id>/")

    @task(2)
    def record(self) -> None:
        self._get(f"/records/{self.rng.choice(self.account['records'])}/", "read: /records/<id>/")

    @task(2)
    def sign_off(self) -> None:
        if not self.to_sign:
            return self.home()
        record = self.to_sign.pop(0)
        step = "share" if self.account["kind"] == "supervisor" else "agree"
        page = self.client.get(f"/records/{record}/", name="read: /records/<id>/")
        token = CSRF.search(page.text)
        with self.client.post(
            f"/records/{record}/",
            data={"step": step, "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": f"{self.host}/records/{record}/"},
            name=f"sign-off: {step}",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                found = re.search(r'govuk-error-summary__list">\s*<li>(.*?)</li>', response.text, re.S)
                response.failure(
                    f"{step} record {record} gave {response.status_code}: {found and found.group(1).strip()}"
                )
