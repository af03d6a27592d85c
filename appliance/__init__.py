"""The backend server: users, cards, PINs, policies, Spine sessions and the audit trail."""
