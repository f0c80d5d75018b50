"""The answer widgets, headless: right answers pass, wrong ones get specific feedback, every control
is labelled, and the feedback never relies on colour alone."""

from __future__ import annotations

import re

import ipywidgets as ipw
import nbformat
import pytest

import widgets.exercises as exercises
from tools import build_course as build
from widgets.exercises import quiz, tickets
from widgets.exercises._core import CHECKS, Choice, Number
from widgets.exercises.lesson05 import STATIONARY_POINTS

QUESTIONS = exercises.labels(kind="exit")
FORMS = [k for k in exercises.labels() if CHECKS[k].form is not None]
CODE = [k for k in exercises.labels() if CHECKS[k].form is None]

# What a learner types: the right answers of the exercises that have a form, and one usual slip
# each, with a word its feedback must contain. (The checkers compute their own references.)
TYPED = {
    "ex_01_1": (["-0.68654"], ["0.68654"], "negative log-likelihood"),
    "ex_01_2": (["4", "1.38629", "2.01375"], ["0.25", "1.38629", "2.01375"], "(1 − p)/p"),
    "ex_01_3": (["2", "-0.19722"], ["2", "-0.1"], "p = 0.9"),
    "ex_01_5": (["A"], ["equal"], None),
    "ex_01_6": (["0.1"], ["0"], "no penalty"),
    "ex_02_1": (["1/4", "0.104994"], ["0.5", "0.104994"], None),
    "ex_02_5": (["5e-6"], ["1e-12"], "too small"),
    "ex_02_6": (["1.5e-16", "0", "4.248e-18"], ["1.5e-16", "4.248e-18", "4.248e-18"], None),
    "ex_03_3": (["2", "8.5", "4.25", "2.8333"], ["2", "11.3333", "5.6667", "3.7778"], "m − 1"),
    "ex_03_5": (["batch", "sgd", "minibatch"], ["sgd", "sgd", "minibatch"], None),
    "ex_03_6": (["0.157895"], ["0.15"], "small-α"),
    "ex_04_1": (["0.825", "0.75", "0.825"], ["0.825", "-0.75", "0.825"], "sign"),
    "ex_04_2": (["2/7", "5/7"], ["1/6", "5/7"], "1/λmax"),
    "ex_04_3": (["0.428"], ["0.5"], None),
    "ex_04_4": (["0.94"], ["0.5"], "too small"),
    "ex_04_6": (["691"], ["69"], None),
    "ex_05_1": (["0.6", "-0.8"], ["2", "2"], None),
    "ex_05_3": (
        "minimum maximum saddle minimum saddle saddle minimum saddle minimum".split(),
        ["minimum"] * 9,
        None,
    ),
    "ex_05_4": (["1", "0.70711"], ["0.70711", "1"], None),
    "ex_05_5": (["5", "7"], ["9", "20"], None),
    "ex_05_6": (["21.44"], ["0.2"], None),
    "ex_06_3": (["0.47"], ["0.2"], "too low"),
    "ex_06_6": (["b"], ["a"], None),
    "ex_07_3": (["1709.6"], ["41.35"], "one standard deviation"),
    "ex_07_4": (["0.005623"], ["0.0001"], "TRAINING"),
    "ex_07_6": (["at most tau"], ["zero"], None),
    "ex_08_1": (["34/37", "34/43"], ["34/43", "34/37"], "swapped"),
    "ex_08_3": (["0.2"], ["0.8"], "LOWER"),
    "ex_08_5": (["optimistic"], ["unbiased"], None),
    "ex_09_1": (
        ["0.62246", "1.24492", "-0.62246", "0.62246"],
        ["-0.62246", "-1.24492", "0.62246", "-0.62246"],
        "sign",
    ),
    "ex_09_2": (["15"], ["9"], "through u"),
    "ex_09_4": (["(m, m)"], ["(m,)"], None),
    "ex_09_5": (["17"], ["16"], "b^[2]"),
}
#: exercises whose answer is a value, yet need the notebook: they compute on the data
NEEDS_COMPUTATION = {
    "ex_03_1": "the gradient of the WDBC loss at 0",
    "ex_03_4": "a measurement over thousands of batches",
    "ex_04_5": "a schedule is a function",
}


def fill(form: quiz.AnswerForm, values: list) -> None:
    for field, control, value in zip(form.form.fields, form.controls, values, strict=True):
        control.value = str(value) if isinstance(field, Number) else value


def test_every_exercise_is_answerable_or_says_it_needs_the_notebook():
    assert set(TYPED) == set(FORMS), "each exercise with a form needs typed answers here"
    for src in build.sources():
        nb = nbformat.read(src, as_version=4)
        for cell in nb.cells:
            found = re.search(r'^check\("(ex_\d\d_\d)"', cell.source, re.M)
            if cell.cell_type != "code" or not found:
                continue
            label, stub = found[1], build.cell_stub(cell)
            if "NotImplementedError" in stub:
                assert label in CODE, f"{label} asks for a function: no form, a note"
            else:
                assert label in FORMS or label in NEEDS_COMPUTATION, (
                    f"{label} asks for a value: give it a form (or say why it needs the notebook)"
                )


@pytest.mark.parametrize("label", FORMS)
def test_exercise_form_grades_right_and_wrong(label):
    right, wrong, word = TYPED[label]
    form = quiz.answer(label)
    assert isinstance(form, quiz.AnswerForm)
    fill(form, right)
    good = form.submit()
    assert good.status == "passed", good
    assert "✔" in form.feedback.value and "Right" in form.feedback.value
    fill(form, wrong)
    bad = form.submit()
    assert bad.status == "failed", bad
    assert "✘" in form.feedback.value and "Not yet" in form.feedback.value
    assert "Hint:" in form.feedback.value and bad.message != good.message
    if word:
        assert word in bad.message, bad.message


@pytest.mark.parametrize("label", QUESTIONS)
def test_exit_question_grades_its_solution_and_its_slips(label):
    ex = CHECKS[label]
    assert ex.prompt and ex.solution is not None
    form = quiz.AnswerForm(label, title="Question")
    fill(form, ex.solution())
    assert form.submit().status == "passed"
    (field,) = ex.form.fields
    if isinstance(field, Choice):
        right = ex.solution()[0]
        for _, key in field.options:
            if key != right:
                fill(form, [key])
                result = form.submit()
                assert result.status == "failed" and len(result.message) > 20, result
    else:
        ref = ex.solution()[0]
        fill(form, [ref * 3 + 1.7])  # an unrelated number
        assert form.submit().status == "failed"


@pytest.mark.parametrize("label", ["exit_01_1", "exit_02_3", "exit_04_1", "exit_06_2"])
def test_exit_question_names_the_usual_slip(label):
    slips = {
        "exit_01_1": ("9", "odds"),
        "exit_02_3": ("0.8", "sign"),
        "exit_04_1": ("2", "2/λmin"),
        "exit_06_2": ("0.9802", "gradient descent"),
    }
    typed, word = slips[label]
    form = quiz.AnswerForm(label)
    fill(form, [typed])
    result = form.submit()
    assert result.status == "failed" and word in result.message, result.message


def test_numeric_answers_are_computed_not_typed():
    """The references come from the package: change the setting and the answer follows."""
    assert tickets.noise_floor(64) < tickets.noise_floor(8) < tickets.noise_floor(1)
    assert tickets.noise_floor(8, alpha=0.5) == pytest.approx(tickets.noise_floor(8) / 2)
    assert tickets.newton_point((5.0, -3.0)) == pytest.approx(tickets.newton_point((-1.0, 9.0)))
    assert tickets.classify_stationary([[1.0, 0.0], [0.0, -2.0]]) == "saddle"
    assert tickets.classify_stationary([[-1.0, 0.0], [0.0, -2.0]]) == "maximum"


@pytest.mark.parametrize("lesson", ["01", "02", "03", "04", "05", "06", "07", "09"])
def test_each_lesson_has_an_exit_ticket_that_looks_back(lesson):
    questions = exercises.labels(lesson, kind="exit")
    assert 3 <= len(questions) <= 5, questions
    if int(lesson) >= 3:
        back = [q for q in questions if q in tickets.EARLIER]
        assert back, f"lesson {lesson}'s ticket revisits no earlier lesson"
        for q in back:
            assert int(tickets.EARLIER[q]) < int(lesson)
            assert "lesson" in CHECKS[q].prompt.lower()
    box = quiz.exit_ticket(lesson)
    assert len(box.children) == len(questions)


def test_empty_and_malformed_answers():
    form = quiz.AnswerForm("ex_01_2")
    result = form.submit()
    assert result.status == "not attempted" and "(a) odds" in result.message
    assert "…" in form.feedback.value and "Not answered yet" in form.feedback.value
    fill(form, ["four", "1", "1"])
    result = form.submit()
    assert result.status == "failed" and "'four' is not a number" in result.message


def test_parse_number():
    assert quiz.parse_number("  −0.5 ") == -0.5
    assert quiz.parse_number("1/4") == 0.25
    assert quiz.parse_number("3e-5") == 3e-5
    assert quiz.parse_number("") is None
    for bad in ("1,000", "abc", "1/0"):
        with pytest.raises(ValueError, match="is not a number"):
            quiz.parse_number(bad)
    with pytest.raises(TypeError):
        quiz.parse_number(3.0)


@pytest.mark.parametrize("label", FORMS + QUESTIONS)
def test_every_control_has_a_visible_label_and_the_feedback_is_live(label):
    form = quiz.AnswerForm(label)
    for control in form.controls:
        assert control.description.strip(), f"{label}: a control without a label"
        assert control.style.description_width == "initial"  # shown in full, not truncated
    assert isinstance(form.feedback, ipw.HTML)
    form.submit()
    assert 'aria-live="polite"' in form.feedback.value and 'role="status"' in form.feedback.value
    assert form.button.description == "Check"


def test_many_choices_use_menus_few_use_radio_buttons():
    nine = quiz.AnswerForm("ex_05_3")
    assert len(nine.controls) == len(STATIONARY_POINTS)
    assert all(isinstance(c, ipw.Dropdown) for c in nine.controls)
    assert isinstance(quiz.AnswerForm("ex_06_6").controls[0], ipw.RadioButtons)


@pytest.mark.parametrize("label", CODE)
def test_code_exercises_point_to_the_notebook(label, tmp_path, monkeypatch):
    number = label.split("_")[1]
    (tmp_path / f"{number}_some_lesson.ipynb").write_text("{}")
    monkeypatch.chdir(tmp_path)
    note = quiz.answer(label)
    assert isinstance(note, ipw.HTML) and "asks for code" in note.value
    assert f'href="../../../lab/tree/lessons/{number}_some_lesson.ipynb"' in note.value
    with pytest.raises(ValueError, match="has no form"):
        quiz.AnswerForm(label)


def test_unknown_labels_are_refused():
    with pytest.raises(ValueError, match="unknown exercise label"):
        quiz.answer("ex_99_9")
    with pytest.raises(ValueError, match="no exit-ticket"):
        quiz.exit_ticket("99")
