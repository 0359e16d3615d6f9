"""Malformed recipes, generated from valid ones: every one is a clear, located error (exit 2).

Starting from the shipped recipes, real DataBrew exports (read from the shared reference folder)
and a small recipe using every Workbench key, each mutant removes, retypes or misspells one key,
puts text where a list goes, or adds huge numbers and strings, deep nesting, bytes that are not
UTF-8, YAML alias bombs and YAML tags. Each runs through the Python API (``Recipe.loads`` and
``validate``); a seeded sample also runs through ``workbench validate`` in-process and a few in a
real subprocess. The mutants are generated deterministically.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from workbench import Recipe
from workbench.cli.main import cli
from workbench.core.errors import RecipeError

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "reference" / "databrew-real"


def _action(operation: str, **parameters: Any) -> dict[str, Any]:
    return {"Action": {"Operation": operation, "Parameters": parameters}}


OWN = [
    {
        "id": "drop",
        "note": "rows without a city",
        "disabled": "FALSE",
        "Action": {"Operation": "REMOVE_VALUES", "Parameters": {"sourceColumn": "city"}},
        "ConditionExpressions": [
            {"Condition": "IS_MISSING", "TargetColumn": "city"},
            {"Condition": "IS", "Value": ["x", "y"], "TargetColumn": "city"},
        ],
    },
    {"id": 2, **_action("LEFT", sourceColumn="city", position=3, targetColumn="c3")},
    _action("REMOVE_COMBINED", sourceColumn="city", removeLeadingAndTrailingWhitespace="TRUE"),
]


def _seeds() -> dict[str, Any]:
    seeds: dict[str, Any] = {
        "sales-clean": json.loads((ROOT / "recipes" / "sales-clean.json").read_text(encoding="utf-8")),
        "own": {
            "format": {"name": "workbench-recipe", "version": 1},
            "name": "own",
            "tags": ["t"],
            "steps": OWN,
        },
        "databrew-api": {"Name": "api", "Description": "d", "RecipeVersion": "1.0", "Steps": OWN[1:]},
    }
    if REAL.is_dir():
        for name in (
            "clean-customer-recipe.json",
            "heart-disease-recipe.json",
            "testing-usecase-recipe.json",
        ):
            seeds[name] = json.loads((REAL / name).read_text(encoding="utf-8"))
        seeds["green-taxi-recipe.yml"] = yaml.safe_load((REAL / "green-taxi-recipe.yml").read_text("utf-8"))
    return seeds


SEEDS = _seeds()

RETYPES: list[Any] = [None, True, 0, 1.5, "text", [], {}]

STRUCTURAL = {
    "format",
    "name",
    "description",
    "tags",
    "steps",
    "Name",
    "Description",
    "Steps",
    "Action",
    "Operation",
    "Parameters",
    "ConditionExpressions",
    "id",
    "disabled",
    "note",
    "Condition",
    "TargetColumn",
}
"""Keys whose value has one shape: any other shape must be refused."""

REQUIRED = {"steps", "Steps", "Action", "Operation", "Condition", "TargetColumn"}


@dataclasses.dataclass
class Mutant:
    """One malformed recipe: its text, whether it must fail, and what the error must name."""

    label: str
    text: str | bytes
    must_fail: bool
    names: tuple[str, ...]
    yaml_text: bool | None = None


def _paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key of every object (and every item of every list of steps or conditions)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*path, key)
            yield from _paths(value, (*path, key))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            if isinstance(value, dict):
                yield (*path, n)
                yield from _paths(value, (*path, n))


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def _step_label(seed: Any, path: tuple[Any, ...]) -> str | None:
    """``step N`` when ``path`` is inside a step of ``seed``."""
    if isinstance(seed, list) and path:
        return f"step {path[0] + 1}"
    if len(path) >= 2 and path[0] in {"steps", "Steps"}:
        return f"step {path[1] + 1}"
    return None


def _typo(key: str) -> str:
    if len(key) >= 3 and key[1] != key[2]:
        return key[0] + key[2] + key[1] + key[3:]
    return key + "x"


def _in_parameters(path: tuple[Any, ...]) -> bool:
    return len(path) >= 2 and path[-2] == "Parameters"


def _still_valid(key: Any, value: Any) -> bool:
    """Retypes that keep a Workbench key valid (an id may be a text or an integer, null is unset)."""
    if value is None and key in {"id", "note", "name", "description", "Name", "Description"}:
        return True
    if key == "id":
        return isinstance(value, (str, int)) and not isinstance(value, bool)
    return key == "disabled" and isinstance(value, bool)


def _names(seed: Any, path: tuple[Any, ...], *keys: str) -> tuple[str, ...]:
    label = _step_label(seed, path)
    return tuple(n for n in (label, *keys) if n)


def _key_mutants(name: str, seed: Any) -> Iterator[Mutant]:
    for path in _paths(seed):
        key = path[-1]
        label = f"{name}:{'.'.join(map(str, path))}"
        if isinstance(key, int):
            for value in ("text", 5, None, ["x"]):
                data = copy.deepcopy(seed)
                _parent(data, path)[key] = value
                yield Mutant(f"{label}=step/condition {value!r}", json.dumps(data), True, _names(seed, path))
            continue
        data = copy.deepcopy(seed)
        del _parent(data, path)[key]
        required = key in REQUIRED
        yield Mutant(f"{label} removed", json.dumps(data), required, _names(seed, path, key))
        data = copy.deepcopy(seed)
        parent = _parent(data, path)
        parent[_typo(key)] = parent.pop(key)
        yield Mutant(f"{label} misspelt", json.dumps(data), True, _names(seed, path, key, _typo(key)))
        original = _parent(seed, path)[key]
        for value in RETYPES:
            if type(value) is type(original) or _still_valid(key, value):
                continue
            data = copy.deepcopy(seed)
            _parent(data, path)[key] = value
            strict = key in STRUCTURAL and not _in_parameters(path) and path[-2:-1] != ("format",)
            yield Mutant(f"{label}={value!r}", json.dumps(data), strict, _names(seed, path, key))


def _list_as_text_mutants(name: str, seed: Any) -> Iterator[Mutant]:
    for path in _paths(seed):
        key = path[-1]
        value = _parent(seed, path)[key]
        if key in {"steps", "Steps", "ConditionExpressions", "tags"} and isinstance(value, list):
            data = copy.deepcopy(seed)
            _parent(data, path)[key] = json.dumps(value)
            label = f"{name}:{'.'.join(map(str, path))} as JSON text"
            yield Mutant(label, json.dumps(data), True, _names(seed, path, key))


def _steps_of(seed: Any) -> list[Any]:
    return seed if isinstance(seed, list) else seed.get("steps", seed.get("Steps"))


def _value_mutants(name: str, seed: Any) -> Iterator[Mutant]:
    """Huge numbers and texts, deep nesting, in a parameter, a condition and Workbench's keys."""
    rng = random.Random(f"values-{name}")
    steps = _steps_of(seed)
    index = rng.randrange(len(steps))
    step_label = f"step {index + 1}"
    parameters = steps[index]["Action"].get("Parameters") or {"sourceColumn": "x"}
    parameter = rng.choice(sorted(parameters))
    deep = "[" * 150 + "]" * 150
    for value, what in [
        ("9" * 5000, "a 5,000-digit number"),
        ("-" + "9" * 1200, "a 1,200-digit negative number"),
        ("1" + "0" * 1200 + ".5", "a 1,200-digit float"),
        ("1e999", "a float beyond a double"),
        ("NaN", "NaN"),
        (json.dumps("x" * 40_000), "a 40,000-character text"),
        (deep, "150-deep lists"),
    ]:
        for slot in ("parameter", "note", "id"):
            data = copy.deepcopy(seed)
            target = _steps_of(data)[index]
            if slot == "parameter":
                target["Action"].setdefault("Parameters", {})[parameter] = "@@VALUE@@"
            else:
                target[slot] = "@@VALUE@@"
            text = json.dumps(data).replace('"@@VALUE@@"', value)
            names = (step_label, parameter) if slot == "parameter" and what != "150-deep lists" else ()
            yield Mutant(f"{name}:{slot} {what}", text, True, names or ("nested", "step", "digits"))
    for value, what in [
        ("[" * 30_000, "JSON text 30,000 deep"),
        ("[" + "9" * 5000 + "]", "JSON text of a huge number"),
    ]:
        # DataBrew's JSON-in-a-string: an error where the parameter is a list, a valid text elsewhere.
        data = copy.deepcopy(seed)
        _steps_of(data)[index]["Action"].setdefault("Parameters", {})[parameter] = value
        yield Mutant(f"{name}:parameter {what}", json.dumps(data), False, (step_label, parameter))


def _document_mutants() -> Iterator[Mutant]:
    valid = json.dumps(OWN)
    yield Mutant("1000-deep JSON", "[" * 1000 + "]" * 1000, True, ("nested more than 100",))
    yield Mutant(
        "1000-deep JSON in a step",
        valid.replace('"rows without a city"', "[" * 1000 + "]" * 1000),
        True,
        ("nested",),
    )
    yield Mutant("1000-deep YAML", "- " + "[" * 1000 + "]" * 1000, True, ("nested more than 100",), True)
    yield Mutant(
        "1000-deep block YAML", "".join("  " * i + "- \n" for i in range(1000)), True, ("nested",), True
    )
    yield Mutant("null document", "null", True, ("not null",))
    yield Mutant("empty YAML", "", True, ("not null",), True)
    yield Mutant("a number", "12", True, ("not the number 12",))
    yield Mutant("a string", '"steps"', True, ("not the text",))
    yield Mutant("trailing comma", valid[:-1] + ",]", True, ("not valid JSON", "line 1"))
    yield Mutant(
        "duplicate Action",
        valid.replace('"Action"', '"Action": {}, "Action"', 1),
        True,
        ("'Action' appears twice",),
    )
    for n, offset in enumerate((5, len(valid) // 3, len(valid) // 2, len(valid) - 10)):
        raw = valid.encode()
        yield Mutant(
            f"byte 0xff at {n}",
            raw[:offset] + b"\xff" + raw[offset:],
            True,
            ("not UTF-8", f"offset {offset}"),
        )
    latin = valid.replace("rows without a city", "ciudad ñ").encode("latin-1")
    yield Mutant("latin-1 text", latin, True, ("not UTF-8", "0xf1"))
    yield Mutant("UTF-16 file", valid.encode("utf-16"), True, ("not UTF-8", "offset 0"))
    yield Mutant("truncated UTF-8", valid.encode()[:-3] + "é".encode()[:1], True, ("not UTF-8",))


ALIAS_BOMB = """\
- id: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  note: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  Action: {{Operation: UPPER_CASE, Parameters: {{sourceColumn: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]}}}}
  ConditionExpressions: [{{Condition: IS, TargetColumn: a, Value: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]}}]
- {{Action: {{Operation: UPPER_CASE, Parameters: {{sourceColumn: x}}}}, {slot}: [*d,*d,*d,*d,*d,*d,*d,*d,*d]}}
"""


def _yaml_mutants() -> Iterator[Mutant]:
    for slot in ("id", "note", "Value", "disabled"):
        yield Mutant(f"billion laughs in {slot}", ALIAS_BOMB.format(slot=slot), True, ("YAML aliases",), True)
    many = "- &s {Action: {Operation: UPPER_CASE, Parameters: {sourceColumn: x}}}\n" + "- *s\n" * 101
    yield Mutant("101 alias uses", many, True, ("more than 100 YAML aliases",), True)
    yield Mutant(
        "alias cycle", "- &a {Action: {Operation: UPPER_CASE}, note: *a}\n", True, ("contains it",), True
    )
    step = "- Action: {{Operation: UPPER_CASE, Parameters: {{sourceColumn: {value}}}}}\n"
    for tag in (
        "!!python/object/apply:os.system ['echo hacked']",
        "!!python/name:os.system ''",
        "!!python/object:collections.OrderedDict {}",
        "!!binary aGVsbG8=",
        "!!set {a: null}",
        "!!omap [a: 1]",
        "!!timestamp 2024-01-01",
        "!custom x",
        "!<tag:example.com,2024:x> y",
    ):
        yield Mutant(f"YAML tag {tag}", step.format(value=tag), True, ("is not plain data",), True)
    yield Mutant(
        "YAML duplicate key",
        "- Action: {Operation: A}\n  Action: {Operation: B}\n",
        True,
        ("appears twice",),
        True,
    )
    yield Mutant("YAML number key", step.format(value="{1: a}"), True, ("step 1", "not text"), True)
    yield Mutant(
        "YAML list key", "- {Action: {Operation: UPPER_CASE}, ? [a] : b}\n", True, ("not valid YAML",), True
    )
    yield Mutant("YAML .nan", step.format(value=".nan"), True, ("step 1", "sourceColumn", "NaN"), True)


def _yaml_form(mutant: Mutant, seed_name: str) -> Mutant | None:
    """The YAML spelling of a JSON mutant of the YAML seed, so the YAML path meets it too."""
    if not seed_name.endswith(".yml") or not isinstance(mutant.text, str):
        return None
    try:
        data = json.loads(mutant.text)
        text = yaml.safe_dump(data, sort_keys=False)
    except (ValueError, RecursionError, yaml.YAMLError):
        return None
    return dataclasses.replace(mutant, label=mutant.label + " (YAML)", text=text, yaml_text=True)


def _all_mutants() -> list[Mutant]:
    out: list[Mutant] = []
    for name, seed in SEEDS.items():
        for mutant in [
            *_key_mutants(name, seed),
            *_list_as_text_mutants(name, seed),
            *_value_mutants(name, seed),
        ]:
            out.append(mutant)
            in_yaml = _yaml_form(mutant, name)
            if in_yaml is not None:
                out.append(in_yaml)
    return [*out, *_document_mutants(), *_yaml_mutants()]


MUTANTS = _all_mutants()


def _outcome(mutant: Mutant) -> RecipeError | None:
    """The error of loading and validating the mutant, None when it is valid."""
    try:
        Recipe.loads(mutant.text, yaml_text=mutant.yaml_text, source="fuzzed").validate()
    except RecipeError as exc:
        return exc
    return None


def _check_error(mutant: Mutant, message: str) -> None:
    assert "\n" not in message.strip(), f"{mutant.label}: not one line: {message!r}"
    assert "Traceback" not in message, mutant.label
    assert any(name in message for name in mutant.names), (
        f"{mutant.label}: {message!r} names none of {mutant.names}"
    )


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_seed_is_valid(name: str) -> None:
    Recipe.from_data(SEEDS[name]).validate()


def test_there_are_hundreds_of_mutants_that_must_fail() -> None:
    assert sum(m.must_fail for m in MUTANTS) >= 600
    assert len({m.label for m in MUTANTS}) == len(MUTANTS)


def test_every_mutant_is_valid_or_a_located_recipe_error() -> None:
    """The Python API: never another exception, never silently accepted when it must fail."""
    problems = []
    for mutant in MUTANTS:
        try:
            error = _outcome(mutant)
        except Exception as exc:  # the point of the test: anything but a RecipeError is a bug
            problems.append(f"{mutant.label}: {type(exc).__name__}: {str(exc)[:200]}")
            continue
        if error is None:
            if mutant.must_fail:
                problems.append(f"{mutant.label}: accepted")
            continue
        if error.exit_code != 2:
            problems.append(f"{mutant.label}: exit code {error.exit_code}")
        try:
            _check_error(mutant, str(error))
        except AssertionError as exc:
            problems.append(str(exc))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


def _suffix(mutant: Mutant) -> str:
    return ".yml" if mutant.yaml_text else ".json"


def _cli_sample() -> list[Mutant]:
    rng = random.Random(11)
    failing = [m for m in MUTANTS if m.must_fail]
    return rng.sample(failing, 300)


def test_workbench_validate_exits_2_with_one_located_line(tmp_path: Path) -> None:
    """The real command, in-process, for a seeded sample of the mutants that must fail."""
    runner = CliRunner()
    problems = []
    for n, mutant in enumerate(_cli_sample()):
        path = tmp_path / f"m{n}{_suffix(mutant)}"
        path.write_bytes(mutant.text if isinstance(mutant.text, bytes) else mutant.text.encode())
        result = runner.invoke(cli, ["validate", str(path)])
        if result.exit_code != 2:
            problems.append(f"{mutant.label}: exit {result.exit_code}: {result.output[:200]}")
            continue
        try:
            assert result.stdout == ""
            _check_error(mutant, result.stderr.removeprefix("error: "))
        except AssertionError as exc:
            problems.append(f"{mutant.label}: {exc}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


SUBPROCESS_LABELS = [
    "billion laughs in note",
    "1000-deep JSON",
    "latin-1 text",
    "YAML tag !!python/name:os.system ''",
]


def test_real_subprocesses_exit_2_without_a_traceback(tmp_path: Path) -> None:
    by_label = {m.label: m for m in MUTANTS}
    chosen = [by_label[label] for label in SUBPROCESS_LABELS]
    chosen.append(next(m for m in MUTANTS if m.label.endswith(":parameter a 5,000-digit number")))
    paths = []
    for n, mutant in enumerate(chosen):
        path = tmp_path / f"p{n}{_suffix(mutant)}"
        path.write_bytes(mutant.text if isinstance(mutant.text, bytes) else mutant.text.encode())
        paths.append(path)
    # One interpreter validates every file, each through the real entry point and its exit code.
    script = (
        "import sys\n"
        "from workbench.cli.main import main\n"
        "for path in sys.argv[1:]:\n"
        "    sys.argv = ['workbench', 'validate', path]\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit as exit:\n"
        "        print(f'EXIT {exit.code}', file=sys.stderr, flush=True)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 * len(chosen), result.stderr
    for mutant, (message, code) in zip(chosen, zip(lines[::2], lines[1::2], strict=True), strict=True):
        assert code == "EXIT 2", (mutant.label, message)
        _check_error(mutant, message.removeprefix("error: "))


def test_a_recipe_that_never_ends_is_refused() -> None:
    with pytest.raises(RecipeError, match="larger than 16 MB"):
        Recipe.load("/dev/zero")


def test_one_real_workbench_process_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"Actoin": {}}]), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "error: step 1 (id 's1'): unknown key 'Actoin' in a step (did you mean 'Action'?)"
    )


# --- the CLI's other refusals: bad recipes and rulesets are exit 2, and show the user's text as is


@pytest.fixture
def people(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text("city,n\nOslo,1\nLima,2\n", encoding="utf-8")
    return path


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def test_user_text_in_square_brackets_is_printed_as_is(tmp_path: Path, people: Path) -> None:
    recipe = tmp_path / "r.json"
    recipe.write_text(
        json.dumps([{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "[abd]"}}}])
    )
    result = _run("validate", str(recipe), "--input", str(people))
    assert result.exit_code == 2
    assert "column '[abd]' does not exist" in result.stderr


@pytest.mark.parametrize("name", ["/etc/passwd", "../x.csv", "lookup"])
@pytest.mark.parametrize("command", ["validate", "run"])
def test_unbound_datasets_are_bad_recipes_on_validate_and_run(
    tmp_path: Path, people: Path, name: str, command: str
) -> None:
    join = {
        "joinType": "LEFT_JOIN",
        "joinKeys": [{"key": "city", "value": "city"}],
        "leftColumns": ["city"],
        "rightColumns": ["pop"],
        "secondaryDatasetName": name,
    }
    recipe = tmp_path / "join.json"
    recipe.write_text(json.dumps([{"Action": {"Operation": "JOIN", "Parameters": join}}]))
    extra = ["--output", str(tmp_path / "out.csv")] if command == "run" else []
    result = _run(command, str(recipe), "--input", str(people), *extra)
    assert result.exit_code == 2, result.output
    assert f"step 1 (id 's1'), JOIN: dataset {name!r} is not bound" in result.stderr
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("select count(*) from glob('/etc/*')", "cannot read the SQL"),
        ("ATTACH DATABASE '/tmp/x.db' AS x", "cannot read the SQL"),
        ("select count(*) from primary tablesample (50 percent)", "TABLESAMPLE"),
        ("select count(*) from read_csv('/etc/passwd')", "file reader"),
    ],
)
def test_disallowed_dqdl_sql_exits_2_on_quality_and_run(
    tmp_path: Path, people: Path, sql: str, named: str
) -> None:
    rules = tmp_path / "rules.dqdl"
    rules.write_text(f'Rules = [ CustomSql "{sql}" > 0 ]\n')
    result = _run("quality", str(people), "--ruleset", str(rules))
    assert result.exit_code == 2, result.output
    assert named in result.stderr
    assert "line 1" in result.stderr
    recipe = tmp_path / "r.json"
    recipe.write_text(
        json.dumps([{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}}])
    )
    output = tmp_path / "out.csv"
    result = _run(
        "run", str(recipe), "--input", str(people), "--output", str(output), "--ruleset", str(rules)
    )
    assert result.exit_code == 2, result.output
    assert named in result.stderr
    assert not output.exists()


def test_paths_and_rules_in_square_brackets_are_printed_as_is(tmp_path: Path, people: Path) -> None:
    recipe = tmp_path / "r.json"
    recipe.write_text(json.dumps([_action("UPPER_CASE", sourceColumn="city")]))
    output = tmp_path / "out[abd].csv"
    result = _run("run", str(recipe), "--input", str(people), "--output", str(output))
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().endswith("-> " + str(output))
    rules = tmp_path / "rules.dqdl"
    rules.write_text('Rules = [ ColumnValues "city" matches "[A-Za-z]+" ]\n')
    result = _run("quality", str(people), "--ruleset", str(rules), "--json", str(tmp_path / "q[abd].json"))
    assert result.exit_code == 0, result.output
    assert 'matches "[A-Za-z]+"' in result.stdout
    assert "q[abd].json" in result.stderr


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (
            'Rules = [ ColumnValues "city" = "\xff" ]\n'.encode("latin-1"),
            "is not UTF-8 text: byte 0xff at offset 33",
        ),
        (
            ("Rules = [ " + "(" * 1000 + "RowCount > 0" + ")" * 1000 + " ]").encode(),
            "nested more than 100 levels",
        ),
    ],
)
@pytest.mark.parametrize("command", ["quality", "run"])
def test_rulesets_that_are_not_utf8_or_nest_too_deep_exit_2(
    tmp_path: Path, people: Path, content: bytes, named: str, command: str
) -> None:
    rules = tmp_path / "rules.dqdl"
    rules.write_bytes(content)
    recipe = tmp_path / "r.json"
    recipe.write_text(json.dumps([_action("UPPER_CASE", sourceColumn="city")]))
    output = tmp_path / "out.csv"
    args = (
        [str(people)]
        if command == "quality"
        else [str(recipe), "--input", str(people), "--output", str(output)]
    )
    result = _run(command, *args, "--ruleset", str(rules))
    assert result.exit_code == 2, result.output
    assert named in result.stderr
    assert not output.exists()


def test_a_ruleset_with_a_bom_and_99_levels_of_parentheses_runs(tmp_path: Path, people: Path) -> None:
    rules = tmp_path / "rules.dqdl"
    rules.write_bytes(b"\xef\xbb\xbfRules = [ " + b"(" * 99 + b"RowCount = 2" + b")" * 99 + b" ]\n")
    result = _run("quality", str(people), "--ruleset", str(rules))
    assert result.exit_code == 0, result.output


def test_a_dataset_bound_twice_is_refused(tmp_path: Path, people: Path) -> None:
    recipe = tmp_path / "r.json"
    recipe.write_text(json.dumps([_action("UPPER_CASE", sourceColumn="city")]))
    bind = f"lookup={people}"
    result = _run("validate", str(recipe), "--input", str(people), "--dataset", bind, "--dataset", bind)
    assert result.exit_code == 2
    assert "--dataset 'lookup' is given twice" in result.stderr
