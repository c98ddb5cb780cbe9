"""Use cases combining store, nlp and io; each takes a progress callback and a cancel flag.

Signatures (the CLI and the GUI call exactly these):
    importing.import_paths(repo, paths, *, annotator=None, progress=no_progress, cancel=None) -> ImportSummary
    suggesting.suggest(repo, *, pipeline=None, force=False, processes=1, article_ids=None,
                       progress=no_progress, cancel=None, loaded=None) -> SuggestSummary
    exporting.export(repo, path, *, fmt="json", layer="all", statuses=None,
                     progress=no_progress, cancel=None) -> ExportSummary
    exporting.FORMATS: tuple of format names
    agreement.compute_agreement(repo, annotators=None, progress=no_progress, cancel=None) -> AgreementReport
    annotators.add_annotator(repo, name, role="annotator"); annotators.list_annotators(repo)
"""
