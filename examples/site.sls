# Salt-style states; the second uses the first one's output.
#   cairn state apply examples/site.sls --local
#   cairn state apply examples/site.sls --target 'node-*' --wait
kernel:
  cmd.run:
    - name: uname -sr

motd:
  file.managed:
    - name: /tmp/cairn-example-motd
    - contents: "this node runs {{ states.kernel.stdout }}"
