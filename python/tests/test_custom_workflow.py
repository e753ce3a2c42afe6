# The custom workflow example of docs/extending.md and its five tests.
from my_custom_workflow import MyCustomWorkflow


def test_workflow_creation():
    """Test basic workflow instantiation."""
    workflow = MyCustomWorkflow(
        name="test_workflow",
        executable="my-tool",
        context="/path/to/context.yaml",
        custom_param1="value1",
        threshold=0.8
    )
    assert workflow.custom_param1 == "value1"
    assert workflow.threshold == 0.8


def test_get_command():
    """Test command generation."""
    workflow = MyCustomWorkflow(
        name="test",
        executable="my-tool",
        subcommand="analyze",
        context="/path/to/context.yaml",
        custom_param1="value1"
    )
    cmd = workflow.get_command()
    assert cmd == "my-tool analyze"


def test_get_arguments():
    """Test argument generation."""
    workflow = MyCustomWorkflow(
        name="test",
        executable="my-tool",
        context="/path/to/context.yaml",
        custom_param1="value1",
        threshold=0.9
    )
    args = workflow.get_arguments()
    assert "--context /path/to/context.yaml" in args
    assert "--param1 value1" in args
    assert "--threshold 0.9" in args


def test_factory_method():
    """Test workflow factory method."""
    descriptions = [
        {
            "name": "workflow1",
            "executable": "my-tool",
            "context": "/path/to/context.yaml",
            "custom_param1": "value1"
        },
        {
            "name": "workflow2",
            "executable": "my-tool",
            "context": "/path/to/context.yaml",
            "custom_param1": "value2"
        }
    ]
    workflows = MyCustomWorkflow.get_workflows(descriptions)
    assert len(workflows) == 2
    assert workflows[0].custom_param1 == "value1"
    assert workflows[1].custom_param1 == "value2"


def test_defaults_and_fields():
    wf = MyCustomWorkflow(name="w", custom_param1="a")
    assert wf.threshold == 0.5 and wf.custom_param2 is None
    assert wf.get_numeric_fields() == ["threshold"]
    assert wf.get_categorical_fields() == ["custom_param1"]


def test_typed_fields_refuse_wrong_types():
    import pytest
    with pytest.raises(TypeError, match="'threshold' must be float"):
        MyCustomWorkflow(name="w", custom_param1="a", threshold="high")
    with pytest.raises(TypeError, match="missing required field 'custom_param1'"):
        MyCustomWorkflow(name="w")
