"""What the articles app tells the rest of the site (see articles.publication)."""

from django.dispatch import Signal

# Sent once per article, inside the transaction that marks it announced; receivers should
# enqueue their own work with `transaction.on_commit`. Arguments: `article`.
article_became_public = Signal()
# Sent when a public article goes back to draft. Arguments: `article`.
article_stopped_being_public = Signal()
