"""Figures in text: the parser of one reported phrase and the extractor of every figure in a report.

``parser`` reads one phrase (``more than2,800``, ``26,7 tỷ đồng``) with the number words of
``number_words_en`` and ``number_words_vi`` and the rules of ``not_figures`` (dates, document numbers,
list numbering). ``extract`` walks a whole report with the same reader and describes each figure with
``cues`` (kind, scope), ``sentence_dates`` (``as_of``, ``period_start``) and ``indicator_guess``;
``drafts`` turns its output into draft rows of ``reported_figures.csv``.
"""
