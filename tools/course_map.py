"""The course map, lessons/00_course_map.ipynb: Markdown only, written from the lessons' sources.

For every lesson it lists what the lesson's own "What you will learn" says, a time estimate
computed from the lesson (words to read, explorers, exercises, exit ticket), the prerequisites
kept in the source's metadata (``metadata.descent.prerequisites``), the explorers the lesson
shows, a thumbnail of its key figure (tools/course_figures.py) and links to the lesson and its
worked solutions; then the notation sheet and the way to the instructors' page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nbformat
from nbformat import NotebookNode

#: minutes: reading speed for a derivation read with a pencil, then per explorer, per exercise,
#: and for the exit ticket
WORDS_PER_MINUTE = 60
MINUTES_PER_EXPLORER = 4
MINUTES_PER_EXERCISE = 4
MINUTES_EXIT_TICKET = 5

EXPLORER = re.compile(r"^(?:\w+ = )?(\w+Explorer)\(", re.M)
LABEL = re.compile(r'^check\("(ex_\d\d_\d+)"', re.M)
EXPLORER_NAMES = {
    "FitByHandExplorer": "fit by hand",
    "DecisionBoundaryExplorer": "decision boundary",
    "LandscapeRaceExplorer": "race on a loss surface",
    "SigmoidExplorer": "sigmoid, slope and gradient check",
    "Descent1DExplorer": "descent in one dimension",
    "BatchSizeExplorer": "batch size",
    "LearningRateExplorer": "learning rate and momentum",
    "LRRangeTestExplorer": "learning-rate range test",
    "TaylorNewtonExplorer": "Taylor model and Newton step",
    "PenaltyGeometryExplorer": "penalty geometry: L1 and L2",
    "RegularizationPathExplorer": "regularisation path",
    "SoftmaxRegionsExplorer": "softmax decision regions",
    "ThresholdExplorer": "threshold, ROC and precision–recall",
    "ImbalanceExplorer": "class imbalance strategies",
    "CalibrationExplorer": "reliability diagram and calibration",
    "ComputationGraphExplorer": "computation graph and backward pass",
    "LoopsVsVectorsExplorer": "loops versus vectors",
    "BroadcastingExplorer": "broadcasting",
    "BeyondALineExplorer": "beyond a line: a hidden layer",
}

#: one symbol, one meaning, in every lesson
NOTATION: tuple[tuple[str, str], ...] = (
    (r"$m$; $i$", "number of examples; $i$ numbers them"),
    (r"$d$", "number of weights (features, plus one when the bias is a column of $X$)"),
    (r"$x$, $x_i$, $x_{ij}$", "an example's features; example $i$; its feature $j$"),
    (r"$X$", r"the $m\times d$ data matrix, one example per row"),
    (r"$y$, $y_i$", "label, $1$ (malignant) or $0$ (benign); $y$ also the vector of labels"),
    (r"$w$, $b$", "weights and bias; $w^\\star$ a minimiser"),
    (r"$z = w^\top x + b$", "the score, which is the log-odds"),
    (r"$\sigma$, $\sigma'$", r"the sigmoid $1/(1 + e^{-z})$ and its slope $\sigma(1 - \sigma)$"),
    (r"$\hat y = \sigma(z)$", r"the predicted probability $P(y = 1 \mid x)$"),
    (r"$p$", r"a probability in general, with odds $p/(1 - p)$"),
    (
        r"$\eta$, $A(\eta)$",
        r"an exponential family's natural parameter (the Bernoulli's is the log-odds); "
        r"its log-partition $\log(1 + e^\eta)$",
    ),
    (r"$\nu$", "the standard deviation of a Gaussian label (lesson 1)"),
    (
        r"$\mathcal L$; $E$; $\ell$",
        "likelihood; cross-entropy (mean negative log-likelihood); one example's loss",
    ),
    (r"$f$, $f^\star$", "the objective being minimised, and its minimum"),
    (r"$g = \nabla f$; $g_B$", "gradient; the mean gradient of a batch of $B$ examples"),
    (r"$\Sigma$, $\Sigma_B$", "covariance of one example's gradient, of a batch's gradient"),
    (r"$t$, $T$", "step number; a budget of steps"),
    (r"$e_t = w_t - w^\star$", "the error after $t$ steps"),
    (r"$\alpha$; $\alpha_t$; $\alpha^\star$", "learning rate; a schedule; the best fixed rate"),
    (r"$\gamma$", "the decay factor of step and exponential schedules"),
    (
        r"$t_{1/2}$",
        r"the step at which time-based decay $\alpha_0/(1 + t/t_{1/2})$ halves the rate",
    ),
    (
        r"$T_0$, $T_{\text{mult}}$; $n$",
        "warm restarts (SGDR): the first cycle's length, the growth of each next cycle; the cycle",
    ),
    (
        r"$g_{\max}$",
        r"gradient clipping's threshold: $g \leftarrow g\,g_{\max}/\max(\lVert g\rVert, g_{\max})$",
    ),
    (r"$\rho$", "contraction factor per step"),
    (r"$H = \nabla^2 f$", "Hessian"),
    (
        r"$\lambda_i$, $\lambda_{\min}$, $\lambda_{\max}$",
        "eigenvalues of a Hessian (in one dimension, the curvature $f''$)",
    ),
    (r"$\kappa = \lambda_{\max}/\lambda_{\min}$", "condition number"),
    (r"$L$", r"Lipschitz constant of $\nabla f$ (smoothness: no curvature above $L$)"),
    (r"$M$", "Lipschitz constant of the Hessian"),
    (r"$\delta$", r"Newton's damping, $(H + \delta I)^{-1}$"),
    (
        r"$\tau$",
        r"regularisation strength: L2 adds $\frac\tau2\lVert w\rVert^2$, L1 adds "
        r"$\tau\lVert w\rVert_1$ (glmnet writes $\lambda$; scikit-learn's `C` is $1/(m\tau)$)",
    ),
    (r"$r$", "the elastic-net L1 ratio"),
    (
        r"$\xi$",
        r"the scale of a prior on each weight: $\mathcal N(0, \xi^2)$ gives "
        r"$\tau = 1/(m\xi^2)$, Laplace gives $\tau = 1/(m\xi)$",
    ),
    (
        r"$S(\tilde w, q)$",
        r"soft-thresholding of a value $\tilde w$ at $q \ge 0$: "
        r"$\operatorname{sign}(\tilde w)\max(\lvert\tilde w\rvert - q, 0)$",
    ),
    (r"$K$; $k$", "number of classes; $k$ numbers them, $0, \\dots, K - 1$"),
    (
        r"$W$, $w_k$, $b_k$",
        r"softmax regression's $K\times d$ weights, one row $w_k$ per class, and its biases",
    ),
    (
        r"$P$, $p_{ik}$; $Y$",
        r"the $m\times K$ softmax probabilities $P(y_i = k \mid x_i)$; the one-hot labels",
    ),
    (
        r"$\mathcal R(w)$",
        r"a penalty: $\frac12\lVert w\rVert^2$, $\lVert w\rVert_1$ or the elastic net's mix",
    ),
    (r"$u$", "a vector added to every class's weights, which changes no softmax probability"),
    (r"$\mu$; $v$", "heavy-ball momentum; its buffer"),
    (
        r"$\omega$",
        r"weight decay, $w \leftarrow (1 - \alpha\omega)w - \alpha g$ (papers write $\lambda$)",
    ),
    (
        r"$\beta_1$, $\beta_2$, $\varepsilon$",
        "Adam's decays and its constant (RMSProp's decay is "
        r"$\beta_2$); AdaGrad and RMSProp use the same $\varepsilon$",
    ),
    (
        r"$\bar g$, $s$; $\hat g$, $\hat s$",
        "Adam's running means of $g$ and of $g^2$ (papers "
        "write $m_t$, $v_t$; here $m$ counts examples), and their bias-corrected values; "
        "RMSProp's $s$ is Adam's",
    ),
    (r"$G$", "AdaGrad's sum of squared gradients"),
    (r"$h$", "a finite-difference step"),
    (r"$\varepsilon_{\text{mach}}$", r"machine epsilon, $2.2\times10^{-16}$ in float64"),
    (r"$\mathrm{tol}$", "the tolerance of a stopping rule"),
    (
        r"$\theta$; $\theta^\star$",
        r"a decision threshold on $\hat y$ (flag when $\hat y \ge \theta$); the cheapest one",
    ),
    (
        r"$c_{\mathrm{FN}}$, $c_{\mathrm{FP}}$",
        "the costs of a missed positive and of a false alarm",
    ),
    (
        r"$\omega_i$; $\bar y$; $m_0$, $m_1$",
        "example weights; the share of positives; examples per class",
    ),
    (r"$a_1$, $a_0$", r"Platt scaling's slope and intercept, $\sigma(a_1 z + a_0)$"),
    (
        r"$dz$, $dw$, $db$",
        r"the gradient of the loss at hand ($\ell$ for one example, $E$ for $m$) with respect "
        r"to $z$, $w$, $b$: the names the code uses (lesson 9)",
    ),
    (
        r"$J$; $q$, $u$",
        r"a function drawn as a computation graph, and its nodes, in lesson 9's small examples "
        r"such as $J = 3(a + bc)$ (their letters are local to the example)",
    ),
    (
        r"$n^{[1]}$; $\phi$, $\phi'$",
        "the number of hidden units; the hidden activation (tanh or ReLU) and its slope",
    ),
    (
        r"$W^{[1]}$, $b^{[1]}$; $w^{[2]}$, $b^{[2]}$",
        r"the hidden layer's $n^{[1]}\times d$ weights and biases; "
        "the output unit's weights and bias",
    ),
    (
        r"$Z^{[1]}$, $A^{[1]} = \phi(Z^{[1]})$; $z^{[2]}$",
        r"the hidden units' scores and outputs ($m\times n^{[1]}$); the output's score, "
        r"$\hat y = \sigma(z^{[2]})$",
    ),
    (r"$\odot$", "the elementwise product"),
)


@dataclass(frozen=True)
class LessonInfo:
    number: str
    name: str  # the notebook's file name
    title: str
    outcomes: tuple[str, ...]
    prerequisites: str
    explorers: tuple[str, ...]  # in order of appearance, one per explorer shown
    exercises: int
    words: int

    @property
    def minutes(self) -> int:
        raw = (
            self.words / WORDS_PER_MINUTE
            + MINUTES_PER_EXPLORER * len(self.explorers)
            + MINUTES_PER_EXERCISE * self.exercises
            + MINUTES_EXIT_TICKET
        )
        return int(5 * round(raw / 5))


def _outcomes(nb: NotebookNode) -> tuple[str, ...]:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "## What you will learn" in cell.source:
            part = cell.source.split("## What you will learn", 1)[1].split("\n## ", 1)[0]
            items = re.split(r"^- ", part.strip(), flags=re.M)
            return tuple(" ".join(item.split()) for item in items if item.strip())
    raise ValueError("a lesson needs a '## What you will learn' list")


def lesson_info(lesson: NotebookNode, name: str, source_metadata: dict) -> LessonInfo:
    """What the course map says about one lesson, read from the generated lesson."""
    title = next(
        line[2:].strip()
        for c in lesson.cells
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
        if line.startswith("# ")
    )
    meta = source_metadata.get("descent", {})
    if not meta.get("prerequisites"):
        raise ValueError(f"{name}: the source needs metadata.descent.prerequisites")
    code = [c.source for c in lesson.cells if c.cell_type == "code"]
    return LessonInfo(
        number=name[:2],
        name=name,
        title=title,
        outcomes=_outcomes(lesson),
        prerequisites=meta["prerequisites"],
        explorers=tuple(m for src in code for m in EXPLORER.findall(src)),
        exercises=sum(len(LABEL.findall(src)) for src in code),
        words=sum(len(c.source.split()) for c in lesson.cells if c.cell_type == "markdown"),
    )


def image_name(info: LessonInfo) -> str:
    return f"images/{info.name.removesuffix('.ipynb')}.png"


def _explorer_list(names: tuple[str, ...]) -> str:
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    return "; ".join(
        EXPLORER_NAMES.get(n, n) + (f" (×{k})" if k > 1 else "") for n, k in seen.items()
    )


def lesson_cell(info: LessonInfo, alt: str) -> str:
    n = int(info.number)
    outcomes = "\n".join(f"- {o}" for o in info.outcomes)
    return f"""### {n}. [{info.title}]({info.name})

![Lesson {n}: {alt}]({image_name(info)})

- **Time:** about {info.minutes} minutes ({info.words:,} words to read, {len(info.explorers)}
  explorers, {info.exercises} exercises and an exit ticket)
- **Before it:** {info.prerequisites}
- **Explorers:** {_explorer_list(info.explorers)}
- **Open:** [the lesson]({info.name}) · [worked solutions](../solutions/{info.name})

What you will learn:

{outcomes}"""


INTRO = r"""# Descent: logistic regression and gradient descent

This course builds logistic regression from the ground up and then studies the algorithms that
fit it: gradient descent and its variants. Every lesson mixes a derivation you can follow line
by line with *explorers*, figures you drive with sliders, and asks you to predict before you
move one. A typical question is what happens when the learning rate $\alpha$ in
$w_{t+1} = w_t - \alpha\nabla f(w_t)$ is too large; an explorer lets you predict it, then try it.
Each lesson ends with exercises, whose checks say what is right or wrong and give a hint, and an
exit ticket of four quick questions."""

HOW = r"""## How to open a lesson

Each lesson's link opens the **notebook** when you read this page in JupyterLab (run the cells,
change the code, do every exercise) and the **dashboard** when you read it as a dashboard (text,
figures and explorers, no code; the exercises that ask for numbers or choices, and the exit
ticket, are answered in boxes on the page). From a notebook in JupyterLab, the toolbar's
*Render with Voilà* button shows its dashboard; from a dashboard on Binder or JupyterHub, replace
`voila/render` by `lab/tree` in the address to reach the notebook. The *worked solutions* open as
notebooks in JupyterLab, and as pages of worked reasoning in a dashboard served from the
repository's top folder (Binder, JupyterHub); the stand-alone dashboard server serves `lessons/`
only, so they stay off a class's dashboard server.

The time for each lesson counts {wpm} words a minute (derivations are read with a pencil),
{explorer} minutes per explorer, {exercise} per exercise and {ticket} for the exit ticket."""

INSTRUCTORS = r"""## For instructors

`docs/teaching.md` in the repository says how to run a 50-minute class from each lesson: which
explorer to project, which predict-then-run questions to poll, which exercises to set as
homework. The lessons' sources, `source/NN_*.ipynb`, are nbgrader source notebooks: the
lessons and solutions are generated from them (`python -m tools.build_course`), and nbgrader's
`generate_assignment` takes them as they are."""


def notation_cell() -> str:
    rows = "\n".join(f"| {sym} | {meaning} |" for sym, meaning in NOTATION)
    return (
        "## Notation\n\nOne symbol means one thing in every lesson.\n\n"
        f"| symbol | meaning |\n|---|---|\n{rows}"
    )


def course_map(lessons: list[tuple[LessonInfo, str]]) -> NotebookNode:
    """The course map notebook: Markdown cells only, nothing to run."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "python"},
        "title": "Descent: course map",
    }
    how = HOW.format(
        wpm=WORDS_PER_MINUTE,
        explorer=MINUTES_PER_EXPLORER,
        exercise=MINUTES_PER_EXERCISE,
        ticket=MINUTES_EXIT_TICKET,
    )
    md = nbformat.v4.new_markdown_cell
    nb.cells = [md(INTRO, id="intro"), md(how, id="how-to-open"), md("## Lessons", id="lessons")]
    nb.cells += [md(lesson_cell(info, alt), id=f"lesson-{info.number}") for info, alt in lessons]
    nb.cells += [md(notation_cell(), id="notation"), md(INSTRUCTORS, id="instructors")]
    return nb
