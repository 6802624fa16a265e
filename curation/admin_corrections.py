"""The moderation queue of corrections sent by the public."""
