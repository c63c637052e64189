"""The admin page of procedure templates: list, edit as YAML, errors shown, CSRF, admin only."""

from __future__ import annotations

from support import World, client_for, csrf_from, login

from kalibar.seizures.models import ProcedureTemplate


def test_admin_lists_edits_and_resets_procedures(world: World) -> None:
    client = client_for(world.engine)
    login(client, "admin", world.passwords["admin"])
    page = client.get("/admin/procedures")
    assert page.status_code == 200
    for code in ("detection_first_response", "tracing_initiation", "storage_disposal"):
        assert f'data-code="{code}"' in page.text
    page = client.get("/admin/procedures?edit=storage_disposal")
    assert "<textarea" in page.text and "custody:stored" in page.text
    token = csrf_from(page.text)
    with world.session() as s:
        body = s.get(ProcedureTemplate, "storage_disposal").body

    bad = body.replace("role: officer", "role: janitor", 1)
    form = {"csrf_token": token, "code": "storage_disposal", "edit": "storage_disposal"}
    answer = client.post("/admin/procedures", data={**form, "body": bad, "active": "1"})
    assert answer.status_code == 422
    assert "steps[0].role" in answer.text and "janitor" in answer.text  # the text is kept
    with world.session() as s:
        assert s.get(ProcedureTemplate, "storage_disposal").body == body

    good = body.replace("due_hours: 72", "due_hours: 48")
    answer = client.post("/admin/procedures", data={**form, "body": good, "active": "1"})
    assert answer.status_code == 303
    with world.session() as s:
        row = s.get(ProcedureTemplate, "storage_disposal")
        assert row.customised and "due_hours: 48" in row.body and row.active
    page = client.get(answer.headers["location"])
    assert "due_hours: 48" in page.text and "Reset" in page.text

    answer = client.post("/admin/procedures/reset", data={"csrf_token": token,
                                                          "code": "storage_disposal"})  # fmt: skip
    assert answer.status_code == 303
    with world.session() as s:
        row = s.get(ProcedureTemplate, "storage_disposal")
        assert not row.customised and row.body == body


def test_new_procedure_and_syntax_errors(world: World) -> None:
    client = client_for(world.engine)
    token = login(client, "admin", world.passwords["admin"])
    page = client.get("/admin/procedures?edit=new")
    assert "new_procedure" in page.text
    broken = "code: extra\nname: [oops\n"
    answer = client.post(
        "/admin/procedures", data={"csrf_token": token, "edit": "new", "body": broken}
    )
    assert answer.status_code == 422 and "not valid YAML" in answer.text
    taken = "code: safe_handling\nname: X\nsteps:\n  - code: a\n    title: A\n"
    answer = client.post(
        "/admin/procedures", data={"csrf_token": token, "edit": "new", "body": taken}
    )
    assert answer.status_code == 409
    body = "code: extra_checks\nname: Extra checks\nsteps:\n  - code: a\n    title: A\n"
    answer = client.post(
        "/admin/procedures", data={"csrf_token": token, "edit": "new", "body": body}
    )
    assert answer.status_code == 303
    with world.session() as s:
        row = s.get(ProcedureTemplate, "extra_checks")
        assert row is not None and row.position == 9 and not row.active


def test_only_admins_with_a_form_token(world: World) -> None:
    client = client_for(world.engine)
    login(client, "officer", world.passwords["officer"])
    assert client.get("/admin/procedures").status_code == 403
    admin = client_for(world.engine)
    login(admin, "admin", world.passwords["admin"])
    answer = admin.post(
        "/admin/procedures", data={"code": "safe_handling", "body": "code: safe_handling\n"}
    )
    assert answer.status_code == 403
    anonymous = client_for(world.engine)
    assert anonymous.get("/admin/procedures").status_code in (303, 401)
