"""The default catalogue of functions (functies) and skills (bekwaamheden); a region may extend it."""
from __future__ import annotations

import msgspec


class Function(msgspec.Struct, frozen=True):
    code: str
    track: str
    rank: int
    label: str
    needs_big: bool = False


class Skill(msgspec.Struct, frozen=True):
    code: str
    label: str
    credential_kind: str | None


class Catalogue(msgspec.Struct, frozen=True):
    functions: dict[str, Function]
    skills: dict[str, Skill]

    def function(self, code: str) -> Function | None:
        return self.functions.get(code)

    def may_take(self, worker_function: str, shift_function: str) -> bool:
        """The ladder: the same function or one below it on the same track."""
        have, want = self.functions.get(worker_function), self.functions.get(shift_function)
        return have is not None and want is not None and have.track == want.track and have.rank >= want.rank

    def supervised_by(self, supervisor_function: str | None) -> list[str]:
        """The functions whose work a supervisor of this function may do, so may supervise students for."""
        if supervisor_function is None:
            return []
        return [f for f in self.functions if self.may_take(supervisor_function, f)]

    def track_functions(self, worker_function: str) -> list[str]:
        have = self.functions.get(worker_function)
        if have is None:
            return []
        return [f.code for f in self.functions.values() if f.track == have.track]


DEFAULT = Catalogue(
    functions={f.code: f for f in [
        Function("helpende", "care", 2, "Helpende"),
        Function("verzorgende-ig", "care", 3, "Verzorgende IG"),
        Function("verpleegkundige-mbo", "care", 4, "Verpleegkundige (mbo)", needs_big=True),
        Function("verpleegkundige-hbo", "care", 5, "Verpleegkundige (hbo)", needs_big=True),
        Function("begeleider-3", "support", 3, "Begeleider (niveau 3)"),
        Function("begeleider-4", "support", 4, "Begeleider (niveau 4)"),
        Function("gedragsdeskundige", "support", 5, "Gedragsdeskundige"),
        Function("gastvrouw", "hospitality", 2, "Gastvrouw/-heer"),
    ]},
    skills={s.code: s for s in [
        Skill("medicatie", "Medicatie geven", "medicatie"),
        Skill("injecteren", "Injecteren", "injecteren"),
        Skill("sondevoeding", "Sondevoeding", "sondevoeding"),
        Skill("katheteriseren", "Katheteriseren", "katheteriseren"),
        Skill("wondzorg", "Wondzorg", None),
        Skill("bhv", "BHV", "bhv"),
    ]},
)

CREDENTIAL_KINDS = frozenset({"big", "vog", *(s.credential_kind for s in DEFAULT.skills.values() if s.credential_kind)})
