"""The rule language: YAML in, validated rules with condition trees out.

A rule file holds ``rules:``, a list of rules::

    - id: ALARM-TR-BG            # unique, letters, digits, - and _
      lane: red                  # red | yellow | blue
      weight: 40                 # adds to the declaration's score when the rule hits
      active: true               # inactive rules are back-tested, never screened
      mandatory: false           # true: red whatever the capacity (a confirmed watchlist
                                 # hit, a legal prohibition); only with lane: red
      valid_from: 2024-01-01     # optional dates, on the declaration's lodged_at
      valid_to: 2026-12-31
      rationale: why the rule exists (for analysts)
      instructions: what the officer checks   # or one text per language:
                                 # {en: Open the parcel., sr_Cyrl: Отворите пошиљку.}
      when:                      # a goods item matching this flags its declaration
        keywords: [alarm_pistol] # description in a keyword group (data/keywords.yaml)
        route: ["TR>BG>*"]       # origin>dispatch>consignee country, * for any
        value_per_kg: {lt: 40}

``when`` is a mapping whose entries must all hold, or ``all: [...]``, ``any: [...]``,
``not: {...}``. Entries: a feature of ``features.FEATURES`` with a value (equality), a
list (one of) or operators (``eq ne gt ge lt le between in not_in starts_with``);
``keywords``/``terms`` (description); ``route`` (origin>dispatch>consignee);
``pair`` (consignor country>consignee country). Every error names the rule and the
line and column in the file.

``rationale`` and ``instructions`` are one text, or a mapping language → text (the codes
of ``kalibar.i18n.LANGUAGES``); the rule's own text is then the ``en`` one, else the
first. Officers read them in their language (``rule_texts.rule_text``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from kalibar.errors import Invalid
from kalibar.i18n import LANGUAGES, _
from kalibar.targeting import conditions as c
from kalibar.targeting.features import FEATURES, fold_term, keyword_groups

LANES = ("red", "yellow", "blue")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")
_KEYS = {
    "id",
    "lane",
    "weight",
    "active",
    "mandatory",
    "valid_from",
    "valid_to",
    "rationale",
    "instructions",
    "when",
}
_NUM_OPS = {"eq", "ne", "gt", "ge", "lt", "le", "between", "in", "not_in"}
_STR_OPS = {"eq", "ne", "in", "not_in", "starts_with"}


@dataclass
class Rule:
    id: str
    lane: str
    weight: float
    rationale: str
    instructions: str
    when: c.Cond
    active: bool = True
    valid_from: date | None = None
    valid_to: date | None = None
    line: int = 0
    #: Red regardless of capacity (``lanes``): a confirmed watchlist hit, a legal prohibition.
    mandatory: bool = False
    #: Texts given per language: ``{"instructions": {"sr_Cyrl": "..."}}`` (may be empty).
    texts: dict[str, dict[str, str]] = field(default_factory=dict)


class _Problems(Exception):
    pass


class _Reader:
    """Turns the composed YAML tree into checked rules, collecting every error."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.errors: list[dict[str, Any]] = []
        self.rule_id = ""

    def error(self, node: yaml.Node, reason: str) -> None:
        mark = node.start_mark
        self.errors.append(
            {
                "rule": self.rule_id,
                "line": mark.line + 1,
                "column": mark.column + 1,
                "reason": reason,
            }
        )

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, _("expected a single value"))
            raise _Problems
        return self.loader.construct_object(node, deep=True)

    def items(self, node: yaml.Node) -> list[tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, _("expected a mapping (key: value)"))
            raise _Problems
        seen: set[str] = set()
        for key, _value in node.value:
            if key.value in seen:
                self.error(key, _("'%(key)s' appears twice") % {"key": key.value})
            seen.add(key.value)
        return list(node.value)

    def seq(self, node: yaml.Node) -> list[yaml.Node]:
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        return [node]

    # -------------------------------------------------------------- one rule

    def rule(self, node: yaml.Node, seen: set[str]) -> Rule | None:
        pairs = {k.value: (k, v) for k, v in self.items(node)}
        self.rule_id = ""
        if "id" not in pairs:
            self.error(node, _("a rule needs an 'id'"))
            return None
        rid = str(self.scalar(pairs["id"][1]))
        self.rule_id = rid
        if not _ID.match(rid):
            self.error(pairs["id"][1], _("an id has letters, digits, '-' and '_' only"))
        if rid in seen:
            self.error(pairs["id"][1], _("another rule has this id"))
        seen.add(rid)
        for key, (knode, _v) in pairs.items():
            if key not in _KEYS:
                self.error(knode, _("unknown key '%(key)s'") % {"key": key})
        for key in ("lane", "weight", "rationale", "instructions", "when"):
            if key not in pairs:
                self.error(node, _("'%(key)s' is required") % {"key": key})
        if any(k not in pairs for k in ("lane", "weight", "when")):
            return None
        lane = self.scalar(pairs["lane"][1])
        if lane not in LANES:
            self.error(pairs["lane"][1], _("lane is one of: %(v)s") % {"v": ", ".join(LANES)})
        weight = self.scalar(pairs["weight"][1])
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            self.error(pairs["weight"][1], _("weight is a number"))
            weight = 0
        active = self.scalar(pairs["active"][1]) if "active" in pairs else True
        if not isinstance(active, bool):
            self.error(pairs["active"][1], _("active is true or false"))
        mandatory = self.scalar(pairs["mandatory"][1]) if "mandatory" in pairs else False
        if not isinstance(mandatory, bool):
            self.error(pairs["mandatory"][1], _("mandatory is true or false"))
        elif mandatory and lane != "red":
            self.error(pairs["mandatory"][1], _("a mandatory rule sends red: set lane: red"))
        dates: dict[str, date | None] = {}
        for key in ("valid_from", "valid_to"):
            value = self.scalar(pairs[key][1]) if key in pairs else None
            if value is not None and not isinstance(value, date):
                self.error(pairs[key][1], _("a date is written YYYY-MM-DD"))
                value = None
            dates[key] = value
        if dates["valid_from"] and dates["valid_to"] and dates["valid_from"] > dates["valid_to"]:
            self.error(pairs["valid_to"][1], _("valid_to is before valid_from"))
        texts: dict[str, str] = {}
        by_language: dict[str, dict[str, str]] = {}
        for key in ("rationale", "instructions"):
            texts[key], given = self.text(key, pairs[key][1]) if key in pairs else ("", {})
            if given:
                by_language[key] = given
        when = self.cond(pairs["when"][1])
        return Rule(
            rid,
            str(lane),
            float(weight),
            texts["rationale"],
            texts["instructions"],
            when,
            bool(active),
            dates["valid_from"],
            dates["valid_to"],
            node.start_mark.line + 1,
            mandatory is True,
            by_language,
        )

    def text(self, key: str, node: yaml.Node) -> tuple[str, dict[str, str]]:
        """A rule text: one string, or ``{language: text}``; returns the rule's own text
        (``en``, else the first) and the texts by language."""
        empty = _("'%(key)s' may not be empty") % {"key": key}
        if not isinstance(node, yaml.MappingNode):
            text = str(self.scalar(node) or "")
            if not text.strip():
                self.error(node, empty)
            return text, {}
        given: dict[str, str] = {}
        for lang_node, value in self.items(node):
            lang = str(lang_node.value)
            if lang not in LANGUAGES:
                self.error(
                    lang_node,
                    _("unknown language '%(lang)s'; known: %(v)s")
                    % {"lang": lang, "v": ", ".join(LANGUAGES)},
                )
                continue
            text = str(self.scalar(value) or "")
            if not text.strip():
                self.error(value, empty)
            given[lang] = text
        if not node.value:
            self.error(node, empty)
        own = given.get("en") or next(iter(given.values()), "")
        return own, given

    # -------------------------------------------------------------- conditions

    def cond(self, node: yaml.Node) -> c.Cond:
        parts = []
        for key, value in self.items(node):
            try:
                parts.append(self.entry(key, value))
            except _Problems:
                continue
        if not parts:
            self.error(node, _("a condition needs at least one entry"))
        return parts[0] if len(parts) == 1 else c.All(parts)

    def entry(self, key: yaml.Node, value: yaml.Node) -> c.Cond:
        name = key.value
        if name in ("all", "any"):
            subs = [self.cond(n) for n in self.seq(value)]
            return c.All(subs) if name == "all" else c.AnyOf(subs)
        if name == "not":
            return c.Not(self.cond(value))
        if name in ("keywords", "keywords_all"):
            groups = keyword_groups()
            found: list[c.Cond] = []
            for n in self.seq(value):
                g = str(self.scalar(n))
                if g not in groups:
                    self.error(
                        n,
                        _("unknown keyword group '%(g)s'; known: %(v)s")
                        % {"g": g, "v": ", ".join(groups)},
                    )
                    continue
                found.append(c.Flag(f"kw_{g}", True))
            return c.All(found) if name == "keywords_all" else c.AnyOf(found)
        if name == "terms":
            terms = tuple(fold_term(str(self.scalar(n))) for n in self.seq(value))
            if any(t.strip() == "" for t in terms):
                self.error(value, _("a term may not be empty"))
            return c.Terms(terms)
        if name in ("route", "pair"):
            return self.route(name, value)
        kind = FEATURES.get(name)
        if kind is None:
            self.error(key, _("unknown field '%(f)s'") % {"f": name})
            raise _Problems
        return self.field(name, kind, value)

    def route(self, name: str, value: yaml.Node) -> c.Cond:
        fields = (
            ("origin_country", "dispatch_country", "consignee_country")
            if name == "route"
            else ("consignor_country", "consignee_country")
        )
        patterns = []
        for n in self.seq(value):
            parts = tuple(p.strip().upper() for p in str(self.scalar(n)).split(">"))
            if len(parts) > len(fields) or not all(
                p == "*" or re.fullmatch("[A-Z]{2}", p) for p in parts
            ):
                self.error(
                    n,
                    _("write countries as %(shape)s with two-letter codes or *")
                    % {"shape": ">".join(["XX"] * len(fields))},
                )
                continue
            patterns.append(parts)
        return c.route(patterns, fields)

    def field(self, name: str, kind: str, value: yaml.Node) -> c.Cond:
        if kind == "bool":
            flag = self.scalar(value)
            if not isinstance(flag, bool):
                self.error(value, _("'%(f)s' is true or false") % {"f": name})
            return c.Flag(name, bool(flag))
        if isinstance(value, yaml.SequenceNode):
            return c.InSet(name, tuple(self.typed(name, kind, n) for n in value.value))
        if not isinstance(value, yaml.MappingNode):
            return c.Compare(name, "eq", self.typed(name, kind, value))
        parts: list[c.Cond] = []
        for op_node, arg in self.items(value):
            op = op_node.value
            allowed = _NUM_OPS if kind in ("num", "date") else _STR_OPS
            if op not in allowed:
                self.error(
                    op_node,
                    _("operator '%(op)s' does not apply to '%(f)s'; use: %(v)s")
                    % {"op": op, "f": name, "v": ", ".join(sorted(allowed))},
                )
                continue
            args = [self.typed(name, kind, n) for n in self.seq(arg)]
            if op == "between":
                if len(args) != 2:
                    self.error(arg, _("between takes two values: [low, high]"))
                    continue
                parts += [c.Compare(name, "ge", args[0]), c.Compare(name, "le", args[1])]
            elif op in ("in", "not_in"):
                test: c.Cond = c.InSet(name, tuple(args))
                parts.append(test if op == "in" else c.Not(test))
            elif op == "starts_with":
                parts.append(c.StartsWith(name, tuple(str(a) for a in args)))
            else:
                parts.append(c.Compare(name, op, args[0]))
        return parts[0] if len(parts) == 1 else c.All(parts)

    def typed(self, name: str, kind: str, node: yaml.Node) -> Any:
        value = self.scalar(node)
        if kind == "num" and (isinstance(value, bool) or not isinstance(value, int | float)):
            self.error(node, _("'%(f)s' is compared with numbers") % {"f": name})
            return 0.0
        if kind == "date" and not isinstance(value, date):
            self.error(node, _("a date is written YYYY-MM-DD"))
            return date.min
        if kind == "num":
            return float(value)
        if kind == "str":
            text = str(value)
            return text.upper() if name.endswith("_country") else text
        return value


def _not_yaml(source: str, text: str, exc: yaml.YAMLError) -> Invalid:
    """The YAML error as a 422 detail with line and column (1-based) and a readable reason."""
    mark = getattr(exc, "problem_mark", None)
    if isinstance(exc, yaml.reader.ReaderError):
        before = text[: exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        reason = _("control character U+%(code)04X is not allowed") % {"code": exc.character}
    else:
        line = mark.line + 1 if mark else 0
        column = mark.column + 1 if mark else 0
        reason = str(getattr(exc, "problem", None) or exc)
    return Invalid(
        _("%(file)s is not valid YAML.") % {"file": source},
        [{"rule": "", "line": line, "column": column, "reason": reason}],
    )


def parse_rules(text: str, *, source: str = "rules.yaml") -> list[Rule]:
    """Check every rule of ``text``; ``Invalid`` lists each error with rule and position."""
    try:
        loader = yaml.SafeLoader(text)  # refuses control characters before anything is read
    except yaml.YAMLError as exc:
        raise _not_yaml(source, text, exc) from exc
    reader = _Reader(loader)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as exc:
            raise _not_yaml(source, text, exc) from exc
        rules: list[Rule] = []
        if root is None:
            return rules
        top = {k.value: v for k, v in reader.items(root)}
        if "rules" not in top or not isinstance(top["rules"], yaml.SequenceNode):
            reader.error(root, _("the file needs a list 'rules:'"))
        else:
            seen: set[str] = set()
            for node in top["rules"].value:
                try:
                    rule = reader.rule(node, seen)
                except _Problems:
                    rule = None
                if rule is not None:
                    rules.append(rule)
    except _Problems:
        pass
    finally:
        loader.dispose()
    if reader.errors:
        raise Invalid(
            _("%(file)s: %(n)d errors in the rules.") % {"file": source, "n": len(reader.errors)},
            reader.errors,
        )
    return rules


def load_rules(path: Path | None = None) -> list[Rule]:
    """Rules from ``path``, or the starter rule set shipped with Kalibar."""
    path = path or Path(__file__).parent / "data" / "rules.yaml"
    return parse_rules(path.read_text(encoding="utf-8"), source=path.name)
