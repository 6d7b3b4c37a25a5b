"""Exercise names as people type them: case, spaces, hyphens and underscores alike; everyday names
(aliases) declared in the exercise files; a side asked for where one is needed; close names offered
for an unknown one."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from formcheck.errors import ExerciseError
from formcheck.judge.exercises import library, list_exercises, load_exercise
from formcheck.judge.exercises.library import DataDirs

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("typed", ["Wall-Sit", "wall sit", "wall_sit", " WALL_SIT ", "wall - sit", "Wall  Sit"])
def test_case_spaces_hyphens_and_underscores_are_one_name(typed):
    assert load_exercise(typed).name == "wall_sit"


@pytest.mark.parametrize(("typed", "expected"), [
    ("plank", "forearm_plank"), ("Forearm Plank", "forearm_plank"),
    ("bridge", "glute_bridge"), ("hip bridge", "glute_bridge"), ("glute bridge", "glute_bridge"),
    ("squat", "bodyweight_squat"), ("air squat", "bodyweight_squat"),
    ("dead bug", "dead_bug"), ("cat cow", "cat_cow"), ("cat camel", "cat_cow"), ("pelvic tilt", "pelvic_tilt"),
    ("bird dog left", "bird_dog_left"), ("Side-Plank right", "side_plank_right"),
    ("clam left", "clamshell_left"), ("clamshell_right", "clamshell_right"),
])
def test_everyday_names_lead_to_the_exercise(typed, expected):
    assert load_exercise(typed).name == expected


@pytest.mark.parametrize(("typed", "name"), [
    ("side plank", "side_plank"), ("bird dog", "bird_dog"), ("bird_dog", "bird_dog"), ("Bird-Dog", "bird_dog"),
    ("clamshell", "clamshell"), ("clam", "clamshell"),
])
def test_a_one_sided_exercise_without_a_side_is_judged_on_both_sides(typed, name):
    exercise = load_exercise(typed)
    assert exercise.name == name and exercise.side is None and exercise.both_sides
    assert exercise.title.endswith("(both sides)")
    assert not load_exercise(f"{name}_left").both_sides


def test_the_listing_offers_both_sides_and_each_side():
    names = {i.name for i in list_exercises()}
    assert {"bird_dog", "bird_dog_left", "bird_dog_right", "side_plank", "clamshell"} <= names


@pytest.mark.parametrize(("typed", "suggested"), [
    ("wallsit", "did you mean wall_sit?"),
    ("planck", "did you mean plank (forearm_plank)"),
    ("glute", "did you mean glute_bridge?"),
    ("bird dogg", "did you mean bird_dog?"),
])
def test_an_unknown_name_offers_the_closest_ones(typed, suggested):
    with pytest.raises(ExerciseError) as info:
        load_exercise(typed)
    msg = str(info.value)
    assert msg.startswith(f"unknown exercise {typed!r}") and suggested in msg and "known exercises: " in msg


def test_explain_takes_a_typed_name_and_an_unknown_one_exits_2():
    from formcheck.cli.exercises import explain_command
    from formcheck.cli.main import main

    res = CliRunner().invoke(explain_command, ["wall-sit"], env={"COLUMNS": "400"})
    assert res.exit_code == 0, res.output
    assert "Wall sit" in res.output and "(wall_sit)" in res.output
    res = CliRunner().invoke(main, ["explain", "wal-sit"])
    assert res.exit_code == 2 and "did you mean wall_sit?" in res.output and "Traceback" not in res.output


def test_explain_shows_the_aliases():
    from formcheck.cli.exercises import explain_command

    res = CliRunner().invoke(explain_command, ["plank"], env={"COLUMNS": "400"})
    assert res.exit_code == 0 and "elbow plank" in res.output


def test_aliases_are_on_the_exercise_and_its_listing():
    assert "plank" in load_exercise("forearm_plank").aliases
    assert {i.name: i.aliases for i in list_exercises()}["clamshell_left"] == ("clam", "clam shell")


@pytest.fixture
def library_of(tmp_path, monkeypatch):
    """``library_of(*names)`` makes the library hold copies of those shipped exercises only and returns
    ``edit(name, old, new)``, which edits one copy's text."""
    poses, cal = tmp_path / "poses", tmp_path / "calibration"
    poses.mkdir()
    cal.mkdir()
    monkeypatch.setattr(library, "data_dirs", lambda: DataDirs(poses=(poses,), calibration=(cal,)))

    def make(*names):
        for name in names:
            shutil.copy(REPO / "poses" / f"{name}.toml", poses)
            shutil.copy(REPO / "calibration" / f"{name}.toml", cal)

        def edit(name: str, old: str, new: str) -> None:
            path = poses / f"{name}.toml"
            text = path.read_text()
            assert old in text, old
            path.write_text(text.replace(old, new, 1))

        return edit

    return make


def _error(typed: str = "wall_sit") -> str:
    with pytest.raises(ExerciseError) as info:
        load_exercise(typed)
    return str(info.value)


def test_an_alias_shared_by_two_exercises_is_an_error(library_of):
    edit = library_of("wall_sit", "forearm_plank")
    edit("wall_sit", 'title = "Wall sit"\n', 'title = "Wall sit"\naliases = ["Plank"]\n')
    msg = _error()
    assert "wall_sit.toml: invalid exercise" in msg and "field aliases: alias 'Plank'" in msg
    assert "also an alias of exercise 'forearm_plank'" in msg
    with pytest.raises(ExerciseError, match="also an alias"):
        list_exercises()


@pytest.mark.parametrize("alias", ["forearm plank", "Side-Plank-Left"])
def test_an_alias_that_is_another_exercises_name_is_an_error(library_of, alias):
    edit = library_of("wall_sit", "forearm_plank", "side_plank")
    edit("wall_sit", 'title = "Wall sit"\n', f'title = "Wall sit"\naliases = ["{alias}"]\n')
    msg = _error()
    assert f"field aliases: alias {alias!r} is a name of exercise" in msg and "expected a name no other" in msg


@pytest.mark.parametrize(("aliases", "expected"), [
    ('["wall sit"]', "aliases[0]: 'wall sit' is the exercise's own name"),
    ('["wall squat", "Wall-Squat"]', "aliases[1]: 'Wall-Squat' repeats alias 'wall squat'"),
    ('["wall sit!"]', "aliases[0]: expected a name of letters, digits, spaces, hyphens or underscores"),
    ('["  "]', "aliases[0]: expected a name of letters"),
])
def test_an_exercise_files_own_aliases_are_checked(library_of, aliases, expected):
    edit = library_of("wall_sit")
    edit("wall_sit", 'title = "Wall sit"\n', f'title = "Wall sit"\naliases = {aliases}\n')
    msg = _error()
    assert "wall_sit.toml: invalid exercise 'wall_sit'" in msg and expected in msg
