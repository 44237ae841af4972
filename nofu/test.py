"""Shared base test case with named personas (Healthchecks style).

olivia — operator, sam — supervisor, mia — manager, chika — city staff.
Each persona's password is the same throwaway test value, set here only.
"""

from __future__ import annotations

from django.test import TestCase

from nofu.accounts.models import Role, User

TEST_PASSWORD = "test-only-Passw0rd!"


def make_user(username: str, role: str, display_name: str = "") -> User:
    return User.objects.create_user(
        username=username,
        password=TEST_PASSWORD,
        role=role,
        display_name=display_name or username,
        staff_code=username[:3].upper() + "01",
    )


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.olivia = make_user("olivia", Role.OPERATOR, "大野 オリビア")
        cls.sam = make_user("sam", Role.SUPERVISOR, "佐藤 サム")
        cls.mia = make_user("mia", Role.MANAGER, "三浦 ミア")
        cls.chika = make_user("chika", Role.CITY, "千葉 ちか")

    def login(self, user: User) -> None:
        self.client.force_login(user)
