// Job DSL: the Jenkins folders and jobs of the platform, generated from the configuration.
//
// Run by cicd/Jenkinsfile-seed on every commit of the main branch, with the JSON of `platformctl
// environments` (targetsJson) and `platformctl applications` (applicationsJson) and the URL of this
// repository (platformRepository). A new environment or application gets its jobs and its choices in
// the rollback jobs from the next seed run; nothing here names one.
//
// Identities (docs/decisions/0012-ci-reachability.md): the Kubernetes clouds `ci-plan` and `ci-apply`
// are restricted to the folders below ("Restrict pipeline support to authorized folders"): only jobs
// that build this repository's main branch (folders `platform-main` and `releases`) may start pods
// whose service account gets the apply role; branch builds (`platform-branches`) get the read-only one.
// The restriction lives in Jenkins' configuration, not in a Jenkinsfile a branch could edit.

import groovy.json.JsonSlurper

Map catalog = new JsonSlurper().parseText(targetsJson)
Map applications = new JsonSlurper().parseText(applicationsJson)
List<String> targetNames = catalog.targets*.name
List<String> environmentNames = catalog.targets.findAll { Map target -> target.kind == 'environment' }*.name

// Which Kubernetes clouds the jobs of a folder may start agent pods on.
void permitClouds(javaposse.jobdsl.dsl.Item folder, List<String> clouds) {
    folder.configure { Node project ->
        Node property = project / 'properties' / 'org.csanchez.jenkins.plugins.kubernetes.KubernetesFolderProperty'
        clouds.each { String cloud -> property / 'permittedClouds' << 'string'(cloud) }
    }
}

// A job that runs `script` of this repository's main branch, never another branch's copy of it.
void mainBranchJob(String name, String script, Closure extra) {
    pipelineJob(name) {
        definition {
            cpsScm {
                scm {
                    git {
                        remote { url(platformRepository) }
                        branch('main')
                    }
                }
                scriptPath(script)
                lightweight(true)
            }
        }
        extra.delegate = delegate
        extra()
    }
}

List<String> readOnlyClouds = ['ci-build', 'ci-plan']
List<String> applyClouds = ['ci-build', 'ci-apply']

permitClouds(folder('platform-branches') {
    description('Branch and pull-request builds of the platform: checks and read-only plans.')
}, readOnlyClouds)

permitClouds(folder('platform-main') {
    description('The main branch of the platform: infrastructure applies and rollbacks.')
}, applyClouds)

permitClouds(folder('releases') {
    description('One release job per application, named after it (cicd/Jenkinsfile-app).')
}, applyClouds)

multibranchPipelineJob('platform-branches/infra') {
    branchSources {
        git {
            id('platform')
            remote(platformRepository)
        }
    }
    factory {
        workflowBranchProjectFactory { scriptPath('cicd/Jenkinsfile-infra') }
    }
}

mainBranchJob('platform-main/infra', 'cicd/Jenkinsfile-infra') {
    parameters {
        choiceParam('PLATFORM_CI_ROLE', ['apply', 'plan'], 'apply: plan and apply every target; plan: plans only')
    }
}

mainBranchJob('platform-main/rollback', 'cicd/Jenkinsfile-rollback') {
    parameters {
        choiceParam('TARGET_ENV', environmentNames, 'Environment. RTO: < 15 min critical, < 30 min major.')
        choiceParam('APP', applications.keySet() as List, 'Application to roll back')
        stringParam('TARGET', '', 'Image to return to, repository@sha256:... (empty: the last good image)')
        booleanParam('BREAK_GLASS', false, 'kubectl rollout undo first (critical incidents), then the re-apply')
    }
}

mainBranchJob('platform-main/rollback-infra', 'cicd/Jenkinsfile-rollback-infra') {
    parameters {
        choiceParam('TARGET_ENV', targetNames, 'Deployment target whose stack to restore')
        stringParam('STACK', '', 'Stack to restore: the target itself, <env>-cluster-config or <env>-app-<name>')
        stringParam('TARGET', '', 'State version id to restore (platformctl state-versions)')
        stringParam('PLATFORM_REF', '', 'Known-good revision to re-apply: a commit on main or a tag')
        stringParam('ALLOW_ADDRESSES', '', 'Comma-separated resource addresses the plan guard may let go')
        stringParam('OVERRIDE_REASON', '', 'Why ALLOW_ADDRESSES is acceptable (at least 10 characters)')
    }
}

applications.each { String app, Map source ->
    mainBranchJob("releases/${app}", 'cicd/Jenkinsfile-app') {
        description("Release of ${app} (${source.repository}) through ${source.environments.join(' -> ')}. " +
                    "The repository's webhook starts it with APP_REF.")
    }
}
