"""What a scored session leaves behind: report.json, timeline.png, annotated.mp4, report.html."""
