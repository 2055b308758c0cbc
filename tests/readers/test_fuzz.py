"""Hostile input into the reader forms a stranger can reach: nothing answers 500, and accounts
are made only for addresses."""

from django.contrib.auth import get_user_model
from hypothesis import given

from tests.test_fuzz import FUZZ, TEXT, answer, corpus

User = get_user_model()


@FUZZ
@given(email=TEXT, code=TEXT)
@corpus("email", "code")
def test_sign_in_and_code_forms_never_fail(client, db, email, code):
    client.cookies.clear()
    response = answer(client, "post", "/account/login/", data={"email": email})
    assert response.status_code in (200, 302, 429)
    answer(client, "post", "/account/login/code/confirm/", data={"code": code})

    for user in User.objects.all():
        assert "@" in user.email
    assert "_auth_user_id" not in client.session
