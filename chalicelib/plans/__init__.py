"""Monthly content plans (issue 24): brand profile, posting rules, briefs, generated plans."""
