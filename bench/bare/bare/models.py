from django.db import models


class Submission(models.Model):
    service = models.CharField(max_length=100)
    answers = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.service} #{self.pk}"
