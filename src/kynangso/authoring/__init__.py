"""The authoring room: the course as trainers write it.

- `manifest`: course/manifest.yml, the modules in order and what each trains;
- `notebook`: the model of an nbgrader source notebook (cells, grade ids, questions, points,
  recorded mistakes);
- `execute`: running notebooks on fresh kernels (`kynangso new` stores their outputs);
- `release`: the learner's copy of a source notebook, and what it would leak;
- `rules`: the registry of `kynangso check`'s rules and the rules that read files (the verb itself
  and the rules that grade, in kynangso.grading.check and .trial, use the grader);
- `new`, `tidy`: the verbs `kynangso new` and `kynangso tidy`;
- `settings`: every grading setting, read from grading/nbgrader_config.py and the manifest;
- `datasets`: the verb `kynangso data`, which writes datasets/ from a seed.

What trainers read from here comes from the message catalogue (authoring.yml in kynangso.messages).
This room imports only the learners' library at the top level of the package (kynangso.data,
kynangso.paths, kynangso.messages, kynangso.workdays...) and its own modules; never the grading,
cohorts or reports rooms, which build on it.
"""
