package dev.cairn.policy.tool;

import dev.cairn.policy.gen.ClusterGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code GenerateMain NODES RESOURCES SEED OUT.xml [CONSTRAINTS_PER_RESOURCE]}: writes a generated CIB. */
public final class GenerateMain {
    private GenerateMain() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 4) {
            System.err.println("usage: GenerateMain NODES RESOURCES SEED OUT.xml [CONSTRAINTS_PER_RESOURCE]");
            System.exit(2);
        }
        double density = args.length > 4 ? Double.parseDouble(args[4]) : 0.5;
        String xml = ClusterGenerator.generate(Long.parseLong(args[2]),
                new ClusterGenerator.Shape(Integer.parseInt(args[0]), Integer.parseInt(args[1]), density, false));
        Files.writeString(Path.of(args[3]), xml);
    }
}
