"""Personal exercise programs: a clinician picks the exercises and doses for one patient."""
