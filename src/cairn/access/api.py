"""API: who am I."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["account"])


class MeOut(Schema):
    username: str
    name: str
    organisation: str | None
    teams: list[str]
    roles: list[str]


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        username=user.username,
        name=user.display_name,  # type: ignore[union-attr]
        organisation=user.organisation.name if user.organisation else None,  # type: ignore[union-attr]
        teams=[team.name for team in user.teams.all()],  # type: ignore[union-attr]
        roles=list(user.roles),  # type: ignore[union-attr]
    )
