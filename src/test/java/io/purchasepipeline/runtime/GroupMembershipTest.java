package io.purchasepipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class GroupMembershipTest {

    @Test
    void anInstanceIdMakesTheMembershipStaticAndNamesTheStateDirectory() {
        final GroupMembership membership = GroupMembership.of("pipeline-2", "host-a");

        assertThat(membership.isStatic()).isTrue();
        assertThat(membership.name()).isEqualTo("pipeline-2");
        assertThat(membership.streamsSettings())
                .isEqualTo(Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "pipeline-2"));
        assertThat(membership.describe()).startsWith("static, as pipeline-2");
    }

    @Test
    void withoutAnInstanceIdTheMembershipStaysDynamicAndNoDefaultBecomesAnInstanceId() {
        final GroupMembership inContainer = GroupMembership.of(null, "3f2a9c1b7d4e");
        final GroupMembership onALaptop = GroupMembership.of(" ", null);

        assertThat(inContainer.isStatic()).isFalse();
        assertThat(inContainer.name()).isEqualTo("3f2a9c1b7d4e");
        assertThat(inContainer.streamsSettings()).isEmpty();
        assertThat(onALaptop.name()).isEqualTo("1");
        assertThat(onALaptop.streamsSettings()).isEmpty();
        assertThat(onALaptop.describe()).startsWith("dynamic (no --instance-id");
    }

    @Test
    void refusesAnInstanceIdThatIsNoSafeNameForADirectory() {
        assertThatThrownBy(() -> GroupMembership.of("../other", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--instance-id");
    }
}
