"""People told what concerns them: notifications in the app and by e-mail."""
