# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""benchmarks/playbook.py: the repeat of a run that met moto's race."""

from __future__ import annotations

import pytest

import playbook

RACE = {"ok": False, "message": "botocore: " + playbook.MOTO_RACE}


@pytest.mark.parametrize("answers, attempts, repeats, ok", [
    ([{"ok": True, "message": ""}], 1, 0, True),
    ([RACE, {"ok": True, "message": ""}], 2, 1, True),
    ([{"ok": False, "message": "a real failure"}], 1, 0, False),
    ([RACE, RACE, RACE, {"ok": True, "message": ""}], 3, 2, False),
])
def test_a_run_is_repeated_only_for_moto_s_race_and_at_most_twice(answers, attempts, repeats, ok):
    answers, made = list(answers), []

    def attempt():
        made.append(1)
        return dict(answers.pop(0))

    result = playbook.repeat_on_moto_race(attempt)
    assert (len(made), result["repeats"], result["ok"]) == (attempts, repeats, ok)
