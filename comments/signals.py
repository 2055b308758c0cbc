from django.dispatch import Signal

# Sent by the thread (comments.display) with `user_ids`, the accounts among a page of comments;
# a receiver answers {user_id: picture address} for those with a picture of their own (readers'
# photos), so comments shows them without knowing where they come from.
avatar_pictures = Signal()
