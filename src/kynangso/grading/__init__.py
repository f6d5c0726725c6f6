"""The grader: a learner's submitted notebook in, nbgrader's gradebook rows and autograded notebook
out, with no way for the learner's code to change the verdict or harm anyone else.

- `pool`: the worker pool (one task per (module, official)), progress; `worker`: one worker's jobs
  (nbgrader's Autograde and GenerateFeedback converters with the course's configuration);
- `preprocessors`: nbgrader's preprocessors, bounded (`GuardedExecute`, `CharLimitOutput`,
  `LenientSaveAutoGrades`) and the learner's feedback (`LearnerFeedback`);
- `resources`: what a run prepares once and what each kernel may see;
- `zygote` (the warm process that forks every kernel) and `kernels` (jupyter_client's side of it);
- `sandbox`: a kernel's isolation (namespaces, a user of its own, the answer key hidden);
- `judge` (the grader's side), `runner` (the trusted runner), `learner` (the learner's kernel's
  side), `names`, `codec`, `wire`: test cells run where the learner's code cannot reach, fed with
  the learner's answers as plain data;
- `outputs`: bounds on everything a cell leaves behind.

May import the learners' library (the top level of kynangso) and kynangso.authoring (manifest,
notebook model, settings); never kynangso.cohorts nor kynangso.reports, which use it.
"""
