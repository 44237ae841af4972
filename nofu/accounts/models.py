from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    OPERATOR = "operator", "オペレーター"
    SUPERVISOR = "supervisor", "スーパーバイザー"
    MANAGER = "manager", "管理者"
    CITY = "city", "市職員"


class User(AbstractUser):
    """A person working at the center or for the city. The role decides access."""

    role = models.CharField("役割", max_length=20, choices=Role.choices, default=Role.OPERATOR)
    display_name = models.CharField("表示名", max_length=100, blank=True)
    staff_code = models.CharField("対応者ID", max_length=20, blank=True)
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "利用者"
        verbose_name_plural = "利用者"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label
