package dev.cairn.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Plain aligned text tables for listings. */
public final class Table {
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... header) {
        rows.add(header);
    }

    public Table row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) r[i] = cells[i] == null ? "-" : String.valueOf(cells[i]);
        rows.add(r);
        return this;
    }

    public void print(PrintWriter out) {
        int cols = rows.get(0).length;
        int[] w = new int[cols];
        for (String[] r : rows) for (int i = 0; i < cols && i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cols && i < r.length; i++) {
                sb.append(r[i]);
                if (i < cols - 1) sb.append(" ".repeat(w[i] - r[i].length() + 2));
            }
            out.println(sb.toString().stripTrailing());
        }
        out.flush();
    }
}
