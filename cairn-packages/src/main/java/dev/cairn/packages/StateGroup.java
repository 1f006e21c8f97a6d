package dev.cairn.packages;

/** How Show System State groups the rows of Table 1. */
public enum StateGroup {
    NOT_INSTALLED, INSTALLED, PENDING_INSTALL, PENDING_UNINSTALL, FAILED, REATTEMPTING, ABORTING, USER_ERROR, CORRUPTED
}
