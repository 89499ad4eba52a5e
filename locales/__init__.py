"""Every user-facing text: locales/ja/*.yaml and locales/zh/*.yaml (loaded by conversations.i18n)."""
