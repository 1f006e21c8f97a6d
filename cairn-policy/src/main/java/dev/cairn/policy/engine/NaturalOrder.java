package dev.cairn.policy.engine;

import java.util.Comparator;

/** pcmk__numeric_strcasecmp: case-insensitive, runs of digits compared as numbers. */
public final class NaturalOrder implements Comparator<String> {
    public static final NaturalOrder INSTANCE = new NaturalOrder();

    @Override
    public int compare(String s1, String s2) {
        int i = 0;
        int j = 0;
        while (i < s1.length() && j < s2.length()) {
            char a = s1.charAt(i);
            char b = s2.charAt(j);
            if (Character.isDigit(a) && Character.isDigit(b)) {
                int ei = i;
                while (ei < s1.length() && Character.isDigit(s1.charAt(ei))) ei++;
                int ej = j;
                while (ej < s2.length() && Character.isDigit(s2.charAt(ej))) ej++;
                int c = compareNumbers(s1.substring(i, ei), s2.substring(j, ej));
                if (c != 0) return c;
                int li = ei - i;
                int lj = ej - j;
                if (li != lj) return li < lj ? -1 : 1;
                i = ei;
                j = ej;
            } else {
                int la = Character.toLowerCase(a);
                int lb = Character.toLowerCase(b);
                if (la != lb) return la < lb ? -1 : 1;
                i++;
                j++;
            }
        }
        if (i >= s1.length() && j < s2.length()) return -1;
        if (i < s1.length() && j >= s2.length()) return 1;
        return 0;
    }

    private static int compareNumbers(String x, String y) {
        String a = x.replaceFirst("^0+(?=.)", "");
        String b = y.replaceFirst("^0+(?=.)", "");
        if (a.length() != b.length()) return a.length() < b.length() ? -1 : 1;
        return a.compareTo(b);
    }
}
