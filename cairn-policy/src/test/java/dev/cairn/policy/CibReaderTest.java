package dev.cairn.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import dev.cairn.policy.cib.CibReader;
import dev.cairn.policy.model.Cib;
import org.junit.jupiter.api.Test;

class CibReaderTest {
    static String cib(String resources, String constraints) {
        return """
                <cib have-quorum="1" dc-uuid="n1">
                  <configuration>
                    <crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
                    <nodes><node id="n1" uname="node1"/><node id="n2" uname="node2"/></nodes>
                    <resources>
                %s
                    </resources>
                    <constraints>
                %s
                    </constraints>
                  </configuration>
                  <status>
                    <node_state id="n1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/>
                    <node_state id="n2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member"/>
                  </status>
                </cib>
                """.formatted(resources, constraints);
    }

    static final String PRIM = "      <primitive id=\"a\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>";

    private static CairnException refused(String xml) {
        return assertThrows(CairnException.class, () -> CibReader.parse(xml));
    }

    @Test
    void readsPrimitivesAndConstraints() {
        Cib c = CibReader.parse(cib(PRIM + "\n<primitive id=\"b\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>",
                "<rsc_location id=\"l\" rsc=\"a\" node=\"node2\" score=\"50\"/>"
                        + "<rsc_colocation id=\"c\" rsc=\"b\" with-rsc=\"a\" score=\"INFINITY\"/>"
                        + "<rsc_order id=\"o\" first=\"a\" then=\"b\" kind=\"Optional\"/>"));
        assertEquals(2, c.configuration().resources().size());
        assertEquals(50, c.configuration().locations().get(0).score());
        assertEquals(Score.INFINITY, c.configuration().colocations().get(0).score());
        assertEquals(false, c.configuration().orders().get(0).mandatory());
        Plan p = PolicyScheduler.plan(c, java.time.Instant.EPOCH);
        assertEquals("node2", p.placements().get(0).node());
        assertEquals("node2", p.placements().get(1).node());
    }

    @Test
    void oneMemberGroupIsItsPrimitive() {
        Cib c = CibReader.parse(cib("<group id=\"g\">" + PRIM + "</group>", ""));
        assertEquals("g", c.configuration().resources().get(0).group());
    }

    @Test
    void refusesCloneWithElementAndLine() {
        CairnException e = refused(cib("<clone id=\"cl\">\n" + PRIM + "\n</clone>", ""));
        assertEquals(ErrorCode.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().contains("<clone id=\"cl\">"), e.getMessage());
        assertTrue(e.getMessage().matches(".*at line \\d+.*"), e.getMessage());
        assertTrue(e.hint() != null && !e.hint().isBlank());
    }

    @Test
    void refusesMultiMemberGroup() {
        CairnException e = refused(cib("<group id=\"g\">" + PRIM
                + "<primitive id=\"b\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/></group>", ""));
        assertTrue(e.getMessage().contains("group with 2 members"), e.getMessage());
        assertTrue(e.getMessage().contains("<group id=\"g\">"), e.getMessage());
    }

    @Test
    void refusesBundlesTicketsSetsAndRoles() {
        assertTrue(refused(cib("<bundle id=\"bu\"/>", "")).getMessage().contains("<bundle id=\"bu\">"));
        assertTrue(refused(cib(PRIM, "<rsc_ticket id=\"t\" rsc=\"a\" ticket=\"x\"/>")).getMessage().contains("rsc_ticket"));
        assertTrue(refused(cib(PRIM, "<rsc_order id=\"o\"><resource_set id=\"s\"/></rsc_order>")).getMessage()
                .contains("resource sets"));
        assertTrue(refused(cib(PRIM, "<rsc_colocation id=\"c\" rsc=\"a\" with-rsc=\"a\" score=\"1\" rsc-role=\"Promoted\"/>"))
                .getMessage().contains("rsc-role"));
        assertTrue(refused(cib(PRIM, "<rsc_order id=\"o\" first=\"a\" then=\"a\" kind=\"Serialize\"/>")).getMessage()
                .contains("Serialize"));
    }

    @Test
    void malformedXmlNamesTheLine() {
        CairnException e = refused("<cib>\n<configuration>\n</cib>");
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void missingRequiredAttributeIsInvalidInput() {
        CairnException e = refused(cib("<primitive id=\"a\" class=\"ocf\"/>", ""));
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().contains("without type"), e.getMessage());
    }
}
