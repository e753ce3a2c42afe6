# A subcampaign of Python types: [campaign.my-analysis.split] and .merge sections.
from socm.core.models import Workflow
from socm.workflows import register_workflow


@register_workflow("split", subcampaign="my-analysis")
class Split(Workflow):
    pieces: int = 2

    def get_arguments(self, **kwargs):
        return f"--pieces {self.pieces}"


@register_workflow("merge", subcampaign="my-analysis")
class Merge(Workflow):
    def get_arguments(self, **kwargs):
        return "--all"
