"""Sites a campaign runs on: socm's built-in clusters by name, or your own."""


class Resource:
    """A cluster. memory_per_node is MB."""

    def __init__(self, name, nodes=None, cores_per_node=None, memory_per_node=None, qos=None):
        self.name = name
        self.nodes = nodes
        self.cores_per_node = cores_per_node
        self.memory_per_node = memory_per_node
        self.qos = list(qos or [])

    @property
    def builtin(self):
        return self.nodes is None

    def toml(self):
        """The [resources.NAME] table socm reads (empty for a built-in cluster)."""
        if self.builtin:
            return ""
        lines = [f'[resources."{self.name}"]', f"nodes = {int(self.nodes)}",
                 f"cores_per_node = {int(self.cores_per_node)}"]
        if self.memory_per_node is not None:
            lines.append(f"memory_per_node = {int(self.memory_per_node)}")
        return "\n".join(lines) + "\n"


class TigerResource(Resource):
    def __init__(self):
        super().__init__("tiger3")


class PerlmutterResource(Resource):
    def __init__(self):
        super().__init__("perlmutter")


class UniverseResource(Resource):
    def __init__(self):
        super().__init__("universe")


class CustomResource(Resource):
    def __init__(self, name, nodes, cores_per_node, memory_per_node=None, qos=None):
        super().__init__(name, nodes, cores_per_node, memory_per_node, qos)


registered_resources = {"tiger3": TigerResource, "perlmutter": PerlmutterResource,
                        "universe": UniverseResource}
