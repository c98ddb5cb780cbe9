"""The one table of workspace actions: key, name, description, group, icon.

The main window builds its QActions from this table and the F1 sheet lists the same rows, so a key can never be
bound in one place and documented differently in another.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSpec:
    """One workspace action.

    Attributes:
        name: stable identifier (the main window's handler is looked up by it).
        text: menu text.
        keys: key sequences, the first is shown in menus; empty for menu-only actions.
        description: one line for the shortcut sheet and the status tip.
        group: section of the shortcut sheet and the menu the action goes to.
        icon: qtawesome icon name, or "".
    """

    name: str
    text: str
    keys: tuple[str, ...]
    description: str
    group: str
    icon: str = ""


FILE, NAV, ENTITY, CLAIM, ARTICLE, VIEW = "File", "Navigate", "Entities", "Claims", "Article", "View"
PROJECT = "Project"

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "new_project",
        "&New project…",
        ("Ctrl+Alt+N",),
        "Create a project (a new database) with the sample, an empty or your own codebook",
        FILE,
        "fa5s.folder-plus",
    ),
    ActionSpec(
        "open_project",
        "&Open project…",
        ("Ctrl+Shift+O",),
        "Open another project (database)",
        FILE,
        "fa5s.folder-open",
    ),
    ActionSpec(
        "import",
        "&Import…",
        ("Ctrl+O",),
        "Import .txt / JSON / JSONL files or folders",
        FILE,
        "fa5s.file-import",
    ),
    ActionSpec(
        "export",
        "&Export…",
        ("Ctrl+E",),
        "Export annotations (JSON, CSV, spaCy…)",
        FILE,
        "fa5s.file-export",
    ),
    ActionSpec(
        "suggest",
        "&Suggest…",
        ("Ctrl+Shift+S",),
        "Suggest entities and claims with spaCy",
        FILE,
        "fa5s.magic",
    ),
    ActionSpec(
        "switch_annotator",
        "S&witch annotator…",
        ("Ctrl+Shift+A",),
        "Change who is annotating",
        FILE,
        "fa5s.user",
    ),
    ActionSpec(
        "annotators",
        "A&nnotators and overlap…",
        (),
        "Annotators, their roles (annotator / reviewer), and how many code each article",
        FILE,
        "fa5s.users",
    ),
    ActionSpec("quit", "&Quit", ("Ctrl+Q",), "Quit (everything is already saved)", FILE),
    ActionSpec(
        "codebook",
        "&Codebook…",
        ("Ctrl+Shift+B",),
        "Edit the project's codebook: labels, claim kinds and forms, stances, issues, variables",
        PROJECT,
        "fa5s.book",
    ),
    ActionSpec(
        "next_suggestion",
        "&Next suggestion",
        ("N", "J"),
        "Go to the next open suggestion",
        NAV,
        "fa5s.arrow-down",
    ),
    ActionSpec(
        "prev_suggestion",
        "&Previous suggestion",
        ("P", "K"),
        "Go to the previous open suggestion",
        NAV,
        "fa5s.arrow-up",
    ),
    ActionSpec("next_claim", "Next claim", ("]",), "Select the next claim", NAV),
    ActionSpec("prev_claim", "Previous claim", ("[",), "Select the previous claim", NAV),
    ActionSpec("focus_filter", "&Find article", ("Ctrl+F",), "Focus the article filter box", NAV, "fa5s.search"),
    ActionSpec("focus_text", "Focus text", ("Escape",),
               "Back to the text; clears the selection; twice cancels a background job", NAV),
    ActionSpec("accept", "&Accept", ("A",), "Accept the current entity or claim", ENTITY, "fa5s.check"),
    ActionSpec("reject", "&Reject", ("X",), "Reject the current entity or claim", ENTITY, "fa5s.times"),
    ActionSpec(
        "relabel",
        "Relabel 1–9",
        ("1–9",),
        "Label the current entity, or the selection",
        ENTITY,
    ),
    ActionSpec(
        "new_entity",
        "New &entity from selection",
        ("E",),
        "New entity from the selection (whole words)",
        ENTITY,
        "fa5s.highlighter",
    ),
    ActionSpec("extend_end", "Extend span right", ("Alt+Right",), "Add the next token to the current span", ENTITY),
    ActionSpec("shrink_end", "Shrink span right", ("Alt+Left",), "Drop the last token of the current span", ENTITY),
    ActionSpec("extend_start", "Extend span left", ("Alt+Shift+Left",), "Add the previous token to the span", ENTITY),
    ActionSpec("shrink_start", "Shrink span left", ("Alt+Shift+Right",), "Drop the first token of the span", ENTITY),
    ActionSpec("delete_entity", "&Delete entity", ("Delete",), "Delete the current entity", ENTITY, "fa5s.trash-alt"),
    ActionSpec(
        "link_actor",
        "&Link to actor…",
        ("L",),
        "Link the mention to an actor (or a new one)",
        ENTITY,
        "fa5s.link",
    ),
    ActionSpec(
        "merge_actors",
        "&Merge actors…",
        ("Ctrl+Shift+M",),
        "Merge two actors into one",
        ENTITY,
        "fa5s.object-group",
    ),
    ActionSpec(
        "new_claim",
        "New &claim from selection",
        ("C",),
        "New claim; the selection is its content",
        CLAIM,
        "fa5s.comment-medical",
    ),
    ActionSpec(
        "set_source",
        "Set selection as &source",
        ("Ctrl+1",),
        "The selection becomes the claim's source",
        CLAIM,
    ),
    ActionSpec("set_cue", "Set selection as c&ue", ("Ctrl+2",), "The selection becomes the claim's cue", CLAIM),
    ActionSpec("set_content", "Set selection as c&ontent", ("Ctrl+3",), "The selection becomes the content", CLAIM),
    ActionSpec(
        "add_content",
        "Add selection to content",
        ("Ctrl+4",),
        "Add the selection as another content part",
        CLAIM,
    ),
    ActionSpec("edit_kind", "Edit &kind", ("Shift+K",), "Focus the claim's kind", CLAIM),
    ActionSpec("edit_form", "Edit &form", ("F",), "Focus the claim's form", CLAIM),
    ActionSpec("edit_issue", "Edit &issue", ("I",), "Focus the issue box (type to complete)", CLAIM),
    ActionSpec("edit_note", "Edit &note", ("O",), "Focus the claim's note", CLAIM),
    ActionSpec("stance_against", "Stance: against", ("-",), "The claimant is against the issue", CLAIM),
    ActionSpec("stance_neutral", "Stance: neutral", ("0",), "Neutral or ambivalent", CLAIM),
    ActionSpec("stance_for", "Stance: for", ("=", "+"), "The claimant is for the issue", CLAIM),
    ActionSpec("delete_claim", "Delete claim", ("Ctrl+Delete",), "Delete the current claim", CLAIM),
    ActionSpec("undo", "&Undo", ("Ctrl+Z",), "Undo the last decision", ARTICLE, "fa5s.undo"),
    ActionSpec("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo the decision undone", ARTICLE, "fa5s.redo"),
    ActionSpec(
        "accept_all",
        "Accept &all remaining",
        ("Shift+A",),
        "Accept every open suggestion of the article",
        ARTICLE,
        "fa5s.check-double",
    ),
    ActionSpec(
        "done_next",
        "&Done, next article",
        ("Ctrl+Return",),
        "Mark done, open the next article to do",
        ARTICLE,
        "fa5s.flag-checkered",
    ),
    ActionSpec(
        "toggle_rejected",
        "Show &rejected spans",
        ("H",),
        "Show or hide rejected spans (struck through)",
        VIEW,
    ),
    ActionSpec(
        "review_mode",
        "Re&view mode",
        ("Ctrl+R",),
        "Reviewers: compare the annotators' layers and adjudicate into gold",
        VIEW,
        "fa5s.balance-scale",
    ),
    ActionSpec(
        "review_adopt",
        "Adopt this version",
        ("Return", "Enter"),
        "Review mode: copy the selected version into gold (A does the same)",
        ARTICLE,
    ),
    ActionSpec(
        "agreement",
        "A&greement…",
        ("Ctrl+Shift+G",),
        "Agreement between annotators: pairwise table and F1 per label",
        VIEW,
        "fa5s.chart-bar",
    ),
    ActionSpec(
        "claims_view",
        "&Claims",
        ("Ctrl+Shift+L",),
        "Every claim of a layer across the corpus: filter, sort, Enter opens the article at the claim",
        VIEW,
        "fa5s.list",
    ),
    ActionSpec(
        "network_view",
        "&Network",
        ("Ctrl+Shift+N",),
        "Discourse network of the claims: who supports or rejects what, coalitions, change over time",
        VIEW,
        "fa5s.project-diagram",
    ),
    ActionSpec("shortcuts", "&Keyboard shortcuts", ("F1", "?"), "This sheet", VIEW, "fa5s.keyboard"),
)


def sheet_rows() -> list[tuple[str, str, str]]:
    """Rows ``(group, keys, description)`` for the F1 sheet, in table order."""
    return [(spec.group, " / ".join(spec.keys), spec.description) for spec in ACTIONS if spec.keys]


def by_name() -> dict[str, ActionSpec]:
    """The table keyed by action name."""
    return {spec.name: spec for spec in ACTIONS}
