# Runs on the node when the instance is installed: the home gets a log directory.
logs:
  file.directory:
    - name: {{ cairn.instance.home }}/logs
