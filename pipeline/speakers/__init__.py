"""Who speaks when and who they are: diarization, voice prints, and people across videos."""
