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
                // equal value: the shorter digit run (fewer leading zeros) sorts first
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
        int i = 0;
        while (i < x.length() - 1 && x.charAt(i) == '0') i++;
        int j = 0;
        while (j < y.length() - 1 && y.charAt(j) == '0') j++;
        int la = x.length() - i;
        int lb = y.length() - j;
        if (la != lb) return la < lb ? -1 : 1;
        for (int k = 0; k < la; k++) {
            char a = x.charAt(i + k);
            char b = y.charAt(j + k);
            if (a != b) return a < b ? -1 : 1;
        }
        return 0;
    }
}
